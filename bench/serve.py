#!/usr/bin/env python3
"""`make bench-serve`: the HTTP service under load, over loopback.

For the bundled catalogue and a generated one of 100k credentials, starts a release
`stackplan serve` on a new database and a free port, and measures POST /api/v1/plans with wrk
(bench/plan.lua): one client, then two at once (throughput, p50/p99 latency, errors), against
the single-request time; on the bundled catalogue also 10,000 requests with the resident memory
before and after, and 8 concurrent saved-plan writers for WRITE_SECONDS, read back to find lost
or duplicated writes. Peak memory is the server's VmHWM. Prints a table and writes
bench/serve-results.json.

Environment: BIN (default .build/release/stackplan), DURATION (seconds of each wrk run, default
60), WRITE_SECONDS (default 60), SIZE (generated credentials, default 100000), SKIP_LARGE=1."""
import http.client, json, os, re, shutil, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(os.environ.get("BIN", os.path.join(ROOT, ".build", "release", "stackplan")))
DURATION = int(os.environ.get("DURATION", "60"))
WRITE_SECONDS = int(os.environ.get("WRITE_SECONDS", "60"))
SIZE = int(os.environ.get("SIZE", "100000"))
LUA = os.path.join(ROOT, "bench", "plan.lua")


def status_field(pid, name):
    """A field of /proc/PID/status in MiB (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1]) / 1024
    return None


class Server:
    def __init__(self, database, folder):
        self.process = subprocess.Popen([BIN, "serve", "--db", database, "--port", "0", "--jobs-dir", os.path.join(folder, "jobs"),
                                         # The writers measure the store, not the per-account rate limit.
                                         "--account-rate", "100000"],
                                        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.passwords, self.port = {}, None
        deadline = time.time() + 120
        while self.port is None and time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            found = re.match(r"\s+demo-(\w+)\s+role \w+\s+password (\S+)", line)
            if found:
                self.passwords[found.group(1)] = found.group(2)
            listening = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if listening:
                self.port = int(listening.group(1))
        if self.port is None:
            self.process.kill()
            sys.exit("the server did not start")
        # The rest of its output is not read: drain it so that it never blocks.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    @property
    def pid(self):
        return self.process.pid

    def request(self, method, path, body=None, token=None, connection=None):
        own = connection is None
        connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection.request(method, "/api/v1" + path, body=json.dumps(body) if body is not None else None, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        if own:
            connection.close()
        return answer.status, data

    def sign_in(self, role):
        status, data = self.request("POST", "/sessions", {"name": f"demo-{role}", "password": self.passwords[role]})
        return json.loads(data)["token"]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wrk(server, body_file, clients, seconds, limit=None):
    environment = dict(os.environ, BODY_FILE=body_file)
    if limit:
        environment["LIMIT"] = str(limit)
    command = ["wrk", f"-t{clients}", f"-c{clients}", f"-d{seconds}s", "--timeout", "60s", "-s", LUA,
               f"http://127.0.0.1:{server.port}/api/v1/plans"]
    output = subprocess.run(command, env=environment, capture_output=True, text=True, check=True).stdout
    line = [line for line in output.splitlines() if line.startswith("{")][-1]
    return json.loads(line)


def single_request_ms(server, body, count=20):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        status, _ = server.request("POST", "/plans", body)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            sys.exit(f"a plan request answered {status}")
    return statistics.median(times)


def writers(server, plan, seconds, count=8):
    """`count` threads save plans for `seconds`, each name unique; then every acknowledged
    name must be stored once, and nothing stored twice."""
    token = server.sign_in("learner")
    acknowledged, failures, lock = [], [], threading.Lock()
    stop_at = time.time() + seconds

    def write(number):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        sequence = 0
        while time.time() < stop_at:
            name = f"writer {number} plan {sequence}"
            sequence += 1
            try:
                status, _ = server.request("POST", "/saved-plans", {"name": name, "plan": plan}, token, connection)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    failures.append(f"{name}: {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
                continue
            with lock:
                (acknowledged if status == 201 else failures).append(name if status == 201 else f"{name}: {status}")
        connection.close()

    threads = [threading.Thread(target=write, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    status, data = server.request("GET", "/saved-plans", token=token)
    stored = [plan["name"] for plan in json.loads(data)]
    return {
        "writers": count, "seconds": seconds, "acknowledged": len(acknowledged), "failed": len(failures),
        "stored": len(stored), "lost": len(set(acknowledged) - set(stored)), "duplicated": len(stored) - len(set(stored)),
        "writesPerSecond": round(len(acknowledged) / seconds, 1), "firstFailures": failures[:3],
    }


def measure(label, database, folder, body, memory_and_writes):
    body_file = os.path.join(folder, f"body-{label}.json")
    with open(body_file, "w") as file:
        json.dump(body, file)
    server = Server(database, folder)
    try:
        server.request("POST", "/plans", body)  # warm-up: caches, first solve
        result = {"catalogue": label, "singleRequestMs": round(single_request_ms(server, body), 2)}
        result["oneClient"] = wrk(server, body_file, 1, DURATION)
        result["twoClients"] = wrk(server, body_file, 2, DURATION)
        result["speedup"] = round(result["twoClients"]["perSecond"] / result["oneClient"]["perSecond"], 2)
        result["p99UnderLoadOverSingle"] = round(result["twoClients"]["p99ms"] / result["singleRequestMs"], 2)
        if memory_and_writes:
            before = status_field(server.pid, "VmRSS")
            result["tenThousand"] = wrk(server, body_file, 2, 3600, limit=5000)
            after = status_field(server.pid, "VmRSS")
            result["rssBeforeMB"], result["rssAfterMB"] = round(before, 1), round(after, 1)
            result["savedPlanWriters"] = writers(server, body, WRITE_SECONDS)
        result["peakRSSMB"] = round(status_field(server.pid, "VmHWM"), 1)
        return result
    finally:
        server.stop()


def row(result, key, clients):
    run = result[key]
    errors = run["non2xx"] + run["connect"] + run["read"] + run["write"] + run["timeout"]
    return (f"{result['catalogue']:<9} {clients:>7} {run['requests']:>9} {run['perSecond']:>8.1f} {run['p50ms']:>8.1f} "
            f"{run['p99ms']:>8.1f} {errors:>6}")


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (make bench-serve installs it)")
    results = {"machine": {"cores": os.cpu_count(), "loadAverageAtStart": open("/proc/loadavg").read().split()[:3]},
               "durationSeconds": DURATION, "runs": []}
    with tempfile.TemporaryDirectory() as folder:
        bundled = os.path.join(folder, "bundled.sqlite")
        subprocess.run([BIN, "import", "data/catalogue.json", "--db", bundled], cwd=ROOT, check=True, capture_output=True)
        sofia = json.load(open(os.path.join(ROOT, "data", "learners", "sofia.json")))
        body = {"target": "ucp-pgdip-ipc", "learner": sofia, "objectives": ["cost", "workload"]}
        results["runs"].append(measure("bundled", bundled, folder, body, True))
        if os.environ.get("SKIP_LARGE") != "1":
            large = os.path.join(folder, f"generated-{SIZE}.sqlite")
            catalogue, learners = os.path.join(folder, f"catalogue-{SIZE}.json"), os.path.join(folder, "learners")
            subprocess.run([BIN, "generate", "--credentials", str(SIZE), "--output", catalogue, "--learners", learners],
                           cwd=ROOT, check=True, capture_output=True)
            subprocess.run([BIN, "import", catalogue, "--db", large], cwd=ROOT, check=True, capture_output=True)
            learner = json.load(open(os.path.join(learners, sorted(os.listdir(learners))[0])))
            body = {"target": learner["goal"], "learner": learner, "objectives": ["cost", "workload"]}
            results["runs"].append(measure(f"{SIZE // 1000}k", large, folder, body, False))
    results["machine"]["loadAverageAtEnd"] = open("/proc/loadavg").read().split()[:3]
    print(f"POST /api/v1/plans over loopback, wrk, {DURATION} s a run, {os.cpu_count()} cores, "
          f"load average {' '.join(results['machine']['loadAverageAtStart'])} at start")
    print(f"{'catalogue':<9} {'clients':>7} {'requests':>9} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for result in results["runs"]:
        print(row(result, "oneClient", 1))
        print(row(result, "twoClients", 2))
        print(f"  {result['catalogue']}: single request {result['singleRequestMs']} ms; two clients {result['speedup']}× one; "
              f"p99 under load {result['p99UnderLoadOverSingle']}× the single request; peak RSS {result['peakRSSMB']} MB")
        if "tenThousand" in result:
            run = result["tenThousand"]
            print(f"  10,000 requests ({run['requests']} answered, {run['non2xx']} not 200): RSS {result['rssBeforeMB']} MB before, "
                  f"{result['rssAfterMB']} MB after")
            writes = result["savedPlanWriters"]
            print(f"  saved-plan writers: {writes['writers']} for {writes['seconds']} s: {writes['acknowledged']} acknowledged "
                  f"({writes['writesPerSecond']}/s), {writes['failed']} failed, {writes['stored']} stored, "
                  f"{writes['lost']} lost, {writes['duplicated']} duplicated")
    with open(os.path.join(ROOT, "bench", "serve-results.json"), "w") as file:
        json.dump(results, file, indent=2)
        file.write("\n")
    failed = any(result.get("savedPlanWriters", {}).get("lost") or result.get("savedPlanWriters", {}).get("duplicated")
                 for result in results["runs"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
