#!/usr/bin/env python3
"""Sellers changing offers while shoppers read listings: the writer side of loadtests/churn.sh.

  churn.py setup --url URL --data DIR [--offers 400] [--probes 20]
      Opens a bench seller through the public API (as any new seller would), puts up offers on --offers SKUs of the
      seeded catalog, and on one SKU of each of --probes products shown on first category pages (the probes).
  churn.py run --url URL --data DIR --rate 50 --duration 20 [--bulk-rows 0] [--label NAME]
      For --duration seconds: changes a random bench offer's price and stock at --rate per second (open loop: each
      update is sent at its scheduled time, and its latency counts from then); meanwhile a probe lowers one probe
      product's price and polls the category page that shows it until the page shows the new price (the staleness);
      with --bulk-rows, one bulk offer file of that many rows (JSON Lines, the seller's SKUs cycled with new stock) is
      applied, repeated until the run ends. Prints RESULT lines.
      With --metrics URL (the API's metrics port), it also reads the API's own request-duration histogram of the
      single updates before and after, and prints the share the server answered within 25, 50 and 100 ms: the
      latency the updates' RESULT line gives counts from when each was due, so it includes this process's own waits
      for a core on a machine whose cores the reads keep busy.
Standard library only.
"""
import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from marketplace import Api, open_sellers, percentile, put_offer  # noqa: E402


def setup(args):
    api = Api(args.url)
    email, (seller,) = open_sellers(api, 1, "Churn")

    # Probes: products on first category pages, each given a bench offer on one of its SKUs.
    categories = [line.strip() for line in open(f"{args.data}/category_ids.txt") if line.strip()]
    random.seed(7)
    random.shuffle(categories)
    probes = []
    for category in categories:
        if len(probes) >= args.probes:
            break
        page_path = f"/api/v1/products?category={category}&sort=popularity&limit=20"
        _, page = api.call("GET", page_path)
        # A product an earlier run's probe priced below 1 keeps that bench seller's offer, and so a lowest price the new
        # probe's prices (0.10-0.89) may never undercut: probe only products no earlier probe touched.
        untouched = [i for i in (page or {}).get("items", []) if i["minPrice"] is not None and i["minPrice"] >= 1]
        if not untouched:
            continue
        product = random.choice(untouched)
        _, detail = api.call("GET", f"/api/v1/products/{product['id']}")
        sku = detail["skus"][0]["id"]
        offer = put_offer(api, seller, sku, 0.99, 100)
        probes.append({"product": product["id"], "sku": sku, "offer": offer, "page": page_path})

    skus = [line.split()[0] for line in open(f"{args.data}/churn_skus.txt") if line.strip()]
    probe_skus = {p["sku"] for p in probes}
    chosen = [s for s in skus if s not in probe_skus][: args.offers]
    with ThreadPoolExecutor(8) as pool:
        offers = list(pool.map(lambda s: {"sku": s, "offer": put_offer(api, seller, s, round(random.uniform(5, 500), 2), random.randint(1, 50))}, chosen))
    json.dump({"seller": seller, "email": email, "token": api.token, "probes": probes, "offers": offers}, open(f"{args.data}/churn.json", "w"))
    print(f"churn: seller {seller} with {len(offers)} offers and {len(probes)} probes")


UPDATE_ROUTE = 'http_route="/api/v1/sellers/{sellerId:guid}/offers/{skuId:guid}"'


def update_buckets(metrics_url):
    """The API's cumulative histogram of PUT single-offer requests answered 200: {upper bound in seconds: count}."""
    text = urllib.request.urlopen(metrics_url, timeout=10).read().decode()
    buckets = {}
    for line in text.splitlines():
        if (line.startswith("http_server_request_duration_seconds_bucket{") and UPDATE_ROUTE in line
                and 'http_request_method="PUT"' in line and 'http_response_status_code="200"' in line):
            labels, rest = line.split("} ", 1)
            value = rest.split()[0]
            bound = labels.split('le="', 1)[1].split('"', 1)[0]
            buckets[float("inf") if bound == "+Inf" else float(bound)] = float(value)
    return buckets


def run(args):
    state = json.load(open(f"{args.data}/churn.json"))
    api = Api(args.url, state["token"])
    seller, offers, probes = state["seller"], state["offers"], state["probes"]
    bodies = bulk_bodies(args, state) if args.bulk_rows > 0 else []
    before = update_buckets(args.metrics) if args.metrics else {}
    stop_at = time.monotonic() + args.duration
    latencies, failures, lock = [], [], threading.Lock()

    def update(scheduled):
        offer = random.choice(offers)
        price = round(random.uniform(5, 500), 2)
        try:
            status, body = api.call("PUT", f"/api/v1/sellers/{seller}/offers/{offer['sku']}", {"price": price, "currency": "EUR", "stock": random.randint(0, 50)})
        except (http.client.HTTPException, OSError) as error:
            status, body = 0, str(error)
        elapsed = time.monotonic() - scheduled
        with lock:
            (latencies if status == 200 else failures).append(elapsed if status == 200 else (status, body))

    # Open loop: every update is due at its slot whether or not earlier ones have been answered.
    def updates():
        with ThreadPoolExecutor(max(8, args.rate)) as pool:
            start, n = time.monotonic(), 0
            while True:
                due = start + n / args.rate
                if due >= stop_at:
                    break
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(update, due)
                n += 1

    staleness, unseen = [], []

    def probe():
        probe_api = Api(args.url, state["token"])
        reader = Api(args.url)
        k = 0
        while time.monotonic() < stop_at - 3:
            target = probes[k % len(probes)]
            k += 1
            # A price below every seeded offer, different each time, so the product's lowest price is exactly this one.
            price = round(0.10 + (k % 80) / 100, 2)
            status, body = probe_api.call("PUT", f"/api/v1/sellers/{seller}/offers/{target['sku']}", {"price": price, "currency": "EUR", "stock": 100})
            if status != 200:
                failures.append((status, body))
                continue
            written = time.monotonic()
            seen = None
            while time.monotonic() - written < 30:
                _, page = reader.call("GET", target["page"])
                item = next((i for i in page["items"] if i["id"] == target["product"]), None) if page else None
                if item is not None and item["minPrice"] is not None and abs(item["minPrice"] - price) < 0.001:
                    seen = time.monotonic() - written
                    break
                time.sleep(0.02)
            (staleness if seen is not None else unseen).append(seen if seen is not None else target["product"])
            time.sleep(0.2)

    bulk = {"rows": 0, "seconds": [], "rejected": 0}

    def bulk_files():
        bulk_api = Api(args.url, state["token"])
        n = 0
        while time.monotonic() < stop_at:
            rows = bodies[n % len(bodies)]
            n += 1
            started = time.monotonic()
            status, body = bulk_api.call("POST", f"/api/v1/sellers/{seller}/offers:bulk?report=rejected", rows, "application/x-ndjson", timeout=600)
            if status != 200:
                failures.append((status, str(body)[:300]))
                return
            bulk["seconds"].append(time.monotonic() - started)
            bulk["rows"] += body["totals"]["rows"]
            bulk["rejected"] += body["totals"]["rejected"]

    threads = [threading.Thread(target=updates), threading.Thread(target=probe)]
    if args.bulk_rows > 0:
        threads.append(threading.Thread(target=bulk_files, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads[:2]:
        thread.join()

    ms = lambda s: s * 1000
    if args.metrics:
        after = update_buckets(args.metrics)
        served = {bound: after[bound] - before.get(bound, 0) for bound in after}
        total = served.get(float("inf"), 0)
        within = lambda bound: f"{100 * served.get(bound, 0) / total:.1f}%" if total else "n/a"
        print(f"RESULT scenario={args.label}-updates-server answered={total:.0f} within_25ms={within(0.025)} within_50ms={within(0.05)} "
              f"within_100ms={within(0.1)}")
    print(f"RESULT scenario={args.label}-updates sent={len(latencies) + len(failures)} applied={len(latencies)} failed={len(failures)} "
          f"rate={len(latencies) / args.duration:.1f}/s p50_ms={ms(percentile(latencies, 50)):.1f} p95_ms={ms(percentile(latencies, 95)):.1f} "
          f"max_ms={ms(max(latencies, default=float('nan'))):.1f}")
    print(f"RESULT scenario={args.label}-staleness probes={len(staleness) + len(unseen)} seen={len(staleness)} unseen_in_30s={len(unseen)} "
          f"p50_ms={ms(percentile(staleness, 50)):.0f} p95_ms={ms(percentile(staleness, 95)):.0f} max_ms={ms(max(staleness, default=float('nan'))):.0f}")
    if args.bulk_rows > 0:
        print(f"RESULT scenario={args.label}-bulk files={len(bulk['seconds'])} rows={bulk['rows']} rejected={bulk['rejected']} "
              f"seconds_each={','.join(f'{s:.1f}' for s in bulk['seconds']) or 'unfinished'}")
    for product in unseen[:5]:
        print(f"churn: the probe never saw its price on the page of product {product}", file=sys.stderr)
    for failure in failures[:5]:
        print(f"churn: failed {failure}", file=sys.stderr)


def bulk_bodies(args, state):
    """The bulk files, written before the run so that their making does not take this process's time from the updates:
    two, so that the second changes the stock the first wrote. The probes' SKUs are left out, so a file never overwrites
    the price a probe is waiting for; so are the single updates' offers, as when the file is another seller's: otherwise
    its first batch holds the row locks of every offer the updates change, and they wait for it."""
    excluded = {p["sku"] for p in state["probes"]} | {o["sku"] for o in state["offers"]}
    codes = [line.split()[1] for line in open(f"{args.data}/churn_skus.txt") if line.strip() and line.split()[0] not in excluded]
    return ["".join(
        json.dumps({"sku": codes[i % len(codes)], "price": round(5 + (i * 7 % 4950) / 10, 2), "currency": "EUR", "stock": (i + n) % 40 + 1}) + "\n"
        for i in range(args.bulk_rows)).encode() for n in (1, 2)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "run"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--offers", type=int, default=400)
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--bulk-rows", type=int, default=0)
    parser.add_argument("--label", default="churn")
    parser.add_argument("--metrics", help="the API's metrics URL, e.g. http://127.0.0.1:9464/metrics")
    args = parser.parse_args()
    setup(args) if args.command == "setup" else run(args)


if __name__ == "__main__":
    main()
