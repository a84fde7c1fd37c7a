#!/usr/bin/env python3
"""How long a pricing-rule change takes to reach a cart read.

Each iteration changes the "pricing" rule section so that one probe discount gets a new name, then reads a cart as
fast as it can until the cart's discounts show that name. The delay is measured from just before the change is made
(the PUT to the marketing API, or the rename of the runtime file) to the first cart read that shows it. run.sh starts
this while wrk loads the same API with cart reads, so the change happens under load.

    rules_propagation.py --url http://127.0.0.1:5080 --cart-token TOKEN --mode api --iterations 40
    rules_propagation.py --url ... --cart-token TOKEN --mode file --file /path/to/config/runtime/pricing.json

Prints one RESULT line (p50/p95/p99/max in ms) that run.sh collects, and exits non-zero if a change never arrived
(within --timeout) or a request failed.
"""
import argparse
import json
import os
import statistics
import sys
import time
import urllib.error
import urllib.request


def call(url, method="GET", body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        payload = response.read()
        return response.status, dict(response.headers), (json.loads(payload) if payload else None)


def probe_document(base, name, percent):
    document = json.loads(json.dumps(base))
    discounts = [d for d in document.get("discounts", []) if d.get("id") != "propagation-probe"]
    discounts.append({"id": "propagation-probe", "name": name, "kind": "percentage", "percent": percent, "priority": -1000})
    document["discounts"] = discounts
    return document


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--cart-token", required=True)
    parser.add_argument("--mode", choices=["api", "file"], default="api")
    parser.add_argument("--file", help="the runtime rules file of section pricing (file mode)")
    parser.add_argument("--email", default="marketing@demo.local")
    parser.add_argument("--password", default="Demo-pass-1")
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between changes")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()

    _, _, tokens = call(f"{args.url}/api/v1/auth/token", "POST", {"email": args.email, "password": args.password})
    marketing = {"Authorization": f"Bearer {tokens['accessToken']}"}
    _, _, section = call(f"{args.url}/api/v1/marketing/rules/pricing", headers=marketing)
    base = section.get("document") or {}
    cart_headers = {"X-Cart-Token": args.cart_token}
    run = os.getpid()
    delays, reads = [], 0

    for i in range(args.iterations):
        name = f"probe {run}-{i}"
        document = probe_document(base, name, 1 + i % 20)
        if args.mode == "api":
            _, headers, _ = call(f"{args.url}/api/v1/marketing/rules/pricing", headers=marketing)
            etag = headers.get("ETag") or headers.get("Etag")
            started = time.perf_counter()
            call(f"{args.url}/api/v1/marketing/rules/pricing", "PUT", document, {**marketing, "If-Match": etag})
        else:
            temporary = f"{args.file}.probe.tmp"
            with open(temporary, "w") as handle:
                json.dump(document, handle)
            started = time.perf_counter()
            os.replace(temporary, args.file)

        while True:
            _, _, cart = call(f"{args.url}/api/v1/cart", headers=cart_headers)
            reads += 1
            if any(d.get("ruleName") == name for d in cart.get("discounts", [])):
                delays.append((time.perf_counter() - started) * 1000)
                break
            if time.perf_counter() - started > args.timeout:
                print(f"change {i} did not reach the cart within {args.timeout} s", file=sys.stderr)
                return 1
            time.sleep(0.002)
        time.sleep(args.pause)

    print(
        f"RESULT scenario=rules-{args.mode} changes={len(delays)} cart_reads={reads} "
        f"p50_ms={statistics.median(delays):.1f} p95_ms={percentile(delays, 0.95):.1f} "
        f"p99_ms={percentile(delays, 0.99):.1f} max_ms={max(delays):.1f}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except urllib.error.HTTPError as error:
        print(f"request failed: {error.code} {error.read().decode(errors='replace')}", file=sys.stderr)
        sys.exit(1)
