#!/usr/bin/env python3
"""Re-runs every curl example of docs/api.md against a real server and pastes its real output.

Starts `stackplan serve` on a new database holding the bundled catalogue, on 127.0.0.1 and a
free port, signs the demo accounts in (their tokens go to the examples as $LEARNER_TOKEN,
$ADVISOR_TOKEN, $ADMIN_TOKEN), runs each ```console block that starts with `$ curl`, writes
what it printed below the command, and stops the server. With --check, only lists the
examples whose answer has changed (tokens, times and passwords differ on every run, so
--check compares only the HTTP status lines)."""
import os, re, subprocess, sys, tempfile, time, json, signal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "debug", "stackplan")
PAGE = os.path.join(ROOT, "docs", "api.md")
DOC_ADDRESS = "127.0.0.1:8080"


def start_server(database):
    subprocess.run([BIN, "import", "data/catalogue.json", "--db", database], cwd=ROOT, check=True, capture_output=True)
    server = subprocess.Popen([BIN, "serve", "--db", database, "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
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
        server.kill()
        sys.exit("the server did not start")
    return server, port, passwords


def main():
    check = "--check" in sys.argv
    with tempfile.TemporaryDirectory() as folder:
        server, port, passwords = start_server(os.path.join(folder, "api.sqlite"))
        try:
            environment = dict(os.environ)
            for role in ("learner", "advisor", "admin"):
                answer = subprocess.run(
                    ["curl", "-s", "-X", "POST", f"http://127.0.0.1:{port}/api/v1/sessions", "-H", "Content-Type: application/json",
                     "-d", json.dumps({"name": f"demo-{role}", "password": passwords[role]})], capture_output=True, text=True)
                environment[f"{role.upper()}_TOKEN"] = json.loads(answer.stdout)["token"]
                environment[f"{role.upper()}_PASSWORD"] = passwords[role]
            text = open(PAGE).read()
            blocks = re.compile(r"```console\n(\$ [^\n]*(?:\n>[^\n]*)*)\n(.*?)```", re.S)
            changed = []

            def rerun(match):
                command = match.group(1)
                shell = "\n".join(line[2:] for line in command.split("\n")).replace(DOC_ADDRESS, f"127.0.0.1:{port}")
                output = subprocess.run(["bash", "-c", shell], cwd=ROOT, env=environment, capture_output=True, text=True).stdout
                output = output.replace(f"127.0.0.1:{port}", DOC_ADDRESS)
                if not output.endswith("\n"):
                    output += "\n"
                old = match.group(2)
                if check and old.split("\n")[0] != output.split("\n")[0]:
                    changed.append(command.split("\n")[0])
                return f"```console\n{command}\n{output}```"

            text = blocks.sub(rerun, text)
            if check:
                for command in changed:
                    print(f"docs/api.md: the answer to `{command}` has changed")
                sys.exit(1 if changed else 0)
            open(PAGE, "w").write(text)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
