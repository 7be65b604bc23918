#!/usr/bin/env python3
"""`make fuzz-api`: schemathesis against docs/openapi.json, on a server of its own.

Starts `stackplan serve` (the debug build) on a new database holding the bundled catalogue, on
127.0.0.1 and a free port, signs the demo accounts in, and runs schemathesis with its token for
FUZZ_SECONDS (default 150) in all: half as the demo learner (profiles, saved plans), half as the
demo admin (accounts, catalogue edits, retirements, jobs); examples, coverage and fuzzing
phases, every operation but signing out (which would revoke the token). It fails on any 5xx answer and on any answer whose
body the document does not allow for its status. The server is stopped however the run ends;
its output is in the temporary folder's server.log, printed when the run fails."""
import json, os, re, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, ".build", "debug", "stackplan"))
SECONDS = os.environ.get("FUZZ_SECONDS", "150")


def main():
    with tempfile.TemporaryDirectory() as folder:
        database = os.path.join(folder, "fuzz.sqlite")
        subprocess.run([BIN, "import", "data/catalogue.json", "--db", database], cwd=ROOT, check=True, capture_output=True)
        log = open(os.path.join(folder, "server.log"), "w")
        server = subprocess.Popen([BIN, "serve", "--db", database, "--port", "0", "--jobs-dir", os.path.join(folder, "jobs"),
                                   "--account-rate", "100000"], cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            passwords, port = {}, None
            deadline = time.time() + 60
            while port is None and time.time() < deadline:
                line = server.stdout.readline()
                if not line:
                    break
                found = re.match(r"\s+demo-(\w+)\s+role \w+\s+password (\S+)", line)
                if found:
                    passwords[found.group(1)] = found.group(2)
                listening = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
                if listening:
                    port = listening.group(1)
            if port is None:
                sys.exit("the server did not start")
            base = f"http://127.0.0.1:{port}"
            status = 0
            for role in ("learner", "admin"):
                request = urllib.request.Request(f"{base}/api/v1/sessions", method="POST", headers={"Content-Type": "application/json"},
                                                 data=json.dumps({"name": f"demo-{role}", "password": passwords[role]}).encode())
                token = json.load(urllib.request.urlopen(request))["token"]
                print(f"--- schemathesis as demo-{role} ---", flush=True)
                command = [
                    "schemathesis", "run", os.path.join(ROOT, "docs", "openapi.json"), "--url", base,
                    "--header", f"Authorization: Bearer {token}",
                    "--checks", "not_a_server_error,response_schema_conformance",
                    "--phases", "examples,coverage,fuzzing", "--max-time", str(max(1, int(SECONDS) // 2)), "--workers", "2",
                    "--request-timeout", "70", "--seed", "13", "--suppress-health-check", "all",
                    "--exclude-path", "/api/v1/sessions/current", "--output-truncate", "true",
                ]
                status = max(status, subprocess.run(command, cwd=ROOT).returncode)
            if status != 0:
                log.flush()
                print("--- server log ---")
                print(open(os.path.join(folder, "server.log")).read()[-5000:])
            sys.exit(status)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
