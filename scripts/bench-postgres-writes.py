#!/usr/bin/env python3
"""Saved-plan writes against one or more `stackplan serve` instances, recording every
acknowledged write, optionally killing one instance (kill -9) part-way through.

Each client thread signs in as a learner account of its own (the service's rate limit is per
account), saves one plan, then adds versions named "<client>-<n>" as fast as it can. A request
to an instance that fails (connection refused or reset: the instance is gone) is retried on the
next instance, as a load balancer would; a write counts as acknowledged only on a 201 answer.

Prints one JSON line: writes acknowledged, failures by instance, and the acknowledged writes
are written to --acked as "plan<TAB>version<TAB>name" lines for the caller to check in the database.
"""
import argparse, http.client, json, os, signal, sys, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("--ports", required=True)
parser.add_argument("--admin-password", required=True)
parser.add_argument("--learner", required=True, help="learner profile JSON file for the saved plan")
parser.add_argument("--target", required=True)
parser.add_argument("--clients", type=int, default=8)
parser.add_argument("--seconds", type=float, default=20)
parser.add_argument("--kill-pid", type=int)
parser.add_argument("--kill-after", type=float, default=8)
parser.add_argument("--acked", required=True)
parser.add_argument("--prefix", default="w")
args = parser.parse_args()
ports = [int(p) for p in args.ports.split(",")]
learner = json.load(open(args.learner))

def request(port, method, path, body=None, token=None, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token: headers["Authorization"] = "Bearer " + token
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data else None)

def sign_in(port, name, password):
    status, answer = request(port, "POST", "/api/v1/sessions", {"name": name, "password": password})
    assert status == 201, (status, answer)
    return answer["token"]

admin = sign_in(ports[0], "demo-admin", args.admin_password)
lock = threading.Lock()
acked = []
failures = {port: 0 for port in ports}
other_statuses = {}
stop_at = [None]
killed_at = [None]
# Accounts, sign-ins and first plans (bcrypt and a solve each) are made before the timed part.
ready = threading.Barrier(args.clients + 1)

def client(number):
    name = f"{args.prefix}-client-{number}"
    password = "pw-" + os.urandom(6).hex()
    status, answer = request(ports[0], "POST", "/api/v1/accounts", {"name": name, "role": "learner", "password": password}, admin)
    assert status == 201, (status, answer)
    token = sign_in(ports[number % len(ports)], name, password)
    status, answer = request(ports[number % len(ports)], "POST", "/api/v1/saved-plans",
                             {"name": f"{name}-0", "plan": {"target": args.target, "learner": learner}}, token)
    assert status == 201, (status, answer)
    plan = answer["id"]
    with lock: acked.append((plan, 1, f"{name}-0"))
    ready.wait()
    ready.wait()
    turn = number
    written = 0
    while time.time() < stop_at[0]:
        port = ports[turn % len(ports)]
        version_name = f"{name}-{written + 1}"
        try:
            status, answer = request(port, "POST", f"/api/v1/saved-plans/{plan}/versions", {"name": version_name}, token)
        except (ConnectionError, OSError, http.client.HTTPException):
            with lock: failures[port] += 1
            turn += 1           # that instance is gone: the next one takes the request
            continue
        if status == 201:
            written += 1
            with lock: acked.append((plan, answer["version"], version_name))
        elif status == 429:
            time.sleep(0.2)
        else:
            with lock: other_statuses[status] = other_statuses.get(status, 0) + 1
        turn += 1

def killer():
    time.sleep(args.kill_after)
    os.kill(args.kill_pid, signal.SIGKILL)
    killed_at[0] = time.time()

threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
for t in threads: t.start()
ready.wait()
started = time.time()
stop_at[0] = started + args.seconds
ready.wait()
if args.kill_pid: threading.Thread(target=killer, daemon=True).start()
for t in threads: t.join()
elapsed = time.time() - started
with open(args.acked, "w") as out:
    for plan, version, name in acked: out.write(f"{plan}\t{version}\t{name}\n")
timed = len(acked) - args.clients
print(json.dumps({"acknowledged": len(acked), "timedWrites": timed, "seconds": round(elapsed, 1), "writesPerSecond": round(timed / elapsed, 1),
                  "failedRequestsByPort": failures, "otherStatuses": other_statuses, "killed": killed_at[0] is not None}))
