#!/usr/bin/env python3
"""Runs ops/alertmanager/alertmanager.yml in a real Alertmanager and checks its inhibit rules.

amtool tests routing but cannot evaluate inhibitions, so this starts Debian's prometheus-alertmanager on a free
loopback port (no cluster, a throw-away storage directory), posts firing alerts through its v2 API, and reads back
which are inhibited, polling until a generous deadline (the inhibitor takes its sources from the alert stream
asynchronously). Nothing is sent: the receivers' hosts are under .invalid and the run ends long before group_wait.

  scripts/alertmanager-inhibit-check.py [path to alertmanager.yml]
"""
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CONFIG = sys.argv[1] if len(sys.argv) > 1 else "ops/alertmanager/alertmanager.yml"
DEADLINE_SECONDS = 60

# (labels, whether the rules must inhibit it). Each inhibited alert has a twin that differs only in a label the rule
# compares, and stays active.
CASES = [
    ({"alertname": "ApiErrorBudgetBurn", "severity": "page", "service_role": "api"}, False),
    ({"alertname": "ApiErrorBudgetBurn", "severity": "ticket", "service_role": "api"}, True),
    ({"alertname": "ApiErrorBudgetBurn", "severity": "ticket", "service_role": "worker"}, False),
    ({"alertname": "AllReplicasDown", "severity": "page", "service_role": "api"}, False),
    ({"alertname": "ReplicaDown", "severity": "page", "service_role": "api", "instance": "api-1:8080"}, True),
    ({"alertname": "ReadinessCheckUnhealthy", "severity": "ticket", "service_role": "api", "instance": "api-2:8080"}, True),
    ({"alertname": "ReplicaDown", "severity": "page", "service_role": "worker", "instance": "worker-1:8080"}, False),
    ({"alertname": "ReadinessFlapping", "severity": "ticket", "service_role": "worker", "instance": "worker-1:8080"}, True),
    ({"alertname": "RuntimeRulesSourceFailing", "severity": "ticket", "service_role": "worker", "instance": "worker-2:8080"}, False),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST" if data else "GET")
    with urllib.request.urlopen(req, timeout=5) as response:
        payload = response.read()
        return json.loads(payload) if payload else None


def main():
    binary = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    if binary is None:
        print("not installed: prometheus-alertmanager (Debian package prometheus-alertmanager)")
        return 1

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    storage = tempfile.mkdtemp(prefix="am-inhibit-")
    process = subprocess.Popen(
        [binary, f"--config.file={CONFIG}", f"--storage.path={storage}", f"--web.listen-address=127.0.0.1:{port}",
         "--cluster.listen-address=", "--log.level=warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            try:
                urllib.request.urlopen(f"{url}/-/ready", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    print("Alertmanager did not become ready:", process.stderr.read().decode(errors="replace") if process.poll() is not None else "timed out")
                    return 1
                time.sleep(0.2)

        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        request(f"{url}/api/v2/alerts", [{"labels": labels, "startsAt": now} for labels, _ in CASES])

        expected = {json.dumps(labels, sort_keys=True): inhibited for labels, inhibited in CASES}
        while True:
            alerts = request(f"{url}/api/v2/alerts?active=true&inhibited=true&silenced=true&unprocessed=true")
            seen = {json.dumps(a["labels"], sort_keys=True): bool(a["status"]["inhibitedBy"]) for a in alerts}
            wrong = [(key, want, seen.get(key)) for key, want in expected.items() if seen.get(key) != want]
            if not wrong:
                print(f"{len(CASES)} alerts: {sum(expected.values())} inhibited as the rules say, the rest active")
                return 0
            if time.monotonic() > deadline:
                for key, want, got in wrong:
                    print(f"{key}: expected {'inhibited' if want else 'active'}, got {got}")
                return 1
            time.sleep(0.5)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(storage, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
