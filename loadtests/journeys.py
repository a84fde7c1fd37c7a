#!/usr/bin/env python3
"""Python twins of the k6 journeys (loadtests/k6/journeys.js and mix.js), for one machine where k6 cannot be installed.

  journeys.py JOURNEY --url URL --rate R [--ramp 5] [--duration 15] [--insecure]
      JOURNEY: browse, search, product, cart, checkout, seller-bulk, seller-orders.
  journeys.py mix --url URL --rate R [--ramp 5] [--duration 15] [--bulk-per-minute 6]
      Every journey at once, by the shares of loadtests/k6/journeys.json ("mix"), sellers in the background.

The same requests as the k6 journeys (same names, shares and knobs; read loadtests/k6/lib/journeys.js beside this), the
same setup through the API (not measured), and the same thresholds (loadtests/k6/journeys.json). Open model: iteration
n of a journey is due at its time on a ramp from 0 to --rate over --ramp seconds, then --rate for --duration seconds
(k6's ramping-arrival-rate), and starts then on a free worker thread whatever the earlier ones answered. A request's
latency is from its sending to its answer, as k6's http_req_duration; an iteration that could not start on time (no free
worker: the generator or the API is saturated) shows as launch lag, where k6 would count a dropped iteration.

Prints per journey: RESULT lines per request name (requests, rps over the held phase, p50/p95/p99/max in ms, failed),
one per journey (iterations, launch lag, failed checks), TARGET lines (each threshold, PASS or FAIL, with the RESULTS.md
row it comes from) and a VERDICT line; exits 1 when a threshold failed. Progress goes to stderr every 5 s.
Standard library only.
"""
import argparse
import collections
import http.client
import json
import math
import os
import random
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from marketplace import Api, expect, light_skus, open_sellers, percentile, put_offer  # noqa: E402

CONFIG = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "k6", "journeys.json")))
JOURNEYS = ["browse", "search", "product", "cart", "checkout", "seller-bulk", "seller-orders"]
ADDRESS = {"name": "Bench Buyer", "country": "DE", "postalCode": "10115", "city": "Berlin", "lines": ["Invalidenstrasse 1"]}
# As k6/lib/journeys.js: how long one iteration may take, for the workers to allocate (rate × this × 4).
ITERATION_SECONDS = {"browse": 0.1, "search": 0.2, "product": 0.05, "cart": 0.5, "checkout": 1, "seller-bulk": 12, "seller-orders": 0.5}
CHECKOUT_LINES, SELLERS = 5, 3
VISIBLE_TIMEOUT_S = 10
MAX_CATEGORIES = 200


class Stats:
    """What a run measured, by journey: request durations by metric, failed requests and checks, launch lags."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples = collections.defaultdict(list)  # (journey, metric) -> [(started, ms)]
        self.requests = collections.Counter()
        self.failed = collections.Counter()
        self.failed_by_name = collections.Counter()
        self.checks = collections.Counter()
        self.failed_checks = collections.Counter()
        self.check_failures = collections.defaultdict(collections.Counter)
        self.counts = collections.Counter()  # (journey, metric) -> count (counters)
        self.rates = collections.defaultdict(lambda: [0, 0])  # (journey, metric) -> [true, all]
        self.lags = collections.defaultdict(list)
        self.iterations = collections.Counter()

    def sample(self, journey, metric, started, ms):
        with self.lock:
            self.samples[(journey, metric)].append((started, ms))

    def request(self, journey, name, failed):
        with self.lock:
            self.requests[journey] += 1
            if failed:
                self.failed[journey] += 1
                self.failed_by_name[(journey, name)] += 1

    def check(self, journey, ok, what):
        with self.lock:
            self.checks[journey] += 1
            if not ok:
                self.failed_checks[journey] += 1
                self.check_failures[journey][what] += 1
        return ok

    def count(self, journey, metric, value):
        with self.lock:
            self.counts[(journey, metric)] += value

    def rate(self, journey, metric, true):
        with self.lock:
            self.rates[(journey, metric)][0] += 1 if true else 0
            self.rates[(journey, metric)][1] += 1

    def iteration(self, journey, lag):
        with self.lock:
            self.iterations[journey] += 1
            self.lags[journey].append(lag)


class Visit:
    """One iteration's requests, recorded as k6 records them: a duration under http_req_duration{name:…}, failed when
    the status is not an expected one."""

    def __init__(self, api, journey, stats):
        self.api, self.journey, self.stats = api, journey, stats

    def send(self, name, method, path, body=None, headers=None, expected=(200,), content_type="application/json", timeout=60):
        started = time.monotonic()
        try:
            status, parsed, answer_headers = self.api.request(method, "/api/v1" + path, body, content_type, headers, timeout)
        except (OSError, http.client.HTTPException, ValueError) as error:  # refused, reset, timed out; a body that is not JSON
            status, parsed, answer_headers = 0, str(error), {}
        self.stats.sample(self.journey, f"http_req_duration{{name:{name}}}", started, (time.monotonic() - started) * 1000)
        self.stats.request(self.journey, name, status not in expected)
        return status, parsed, answer_headers

    def check(self, ok, what):
        return self.stats.check(self.journey, bool(ok), what)


# ---- setup, through the API (as k6/lib/bench.js and k6/lib/journeys.js) ----

def catalog_sample(api, pool):
    categories = [c["id"] for c in expect(*api.call("GET", "/api/v1/categories"), (200,), "list categories")][:MAX_CATEGORIES]
    pages = list(pool.map(lambda c: expect(*api.call("GET", f"/api/v1/products?category={c}&sort=popularity&limit=20"), (200,), "browse a category"), categories))
    listed, products, terms = [], {}, {}
    for category, page in zip(categories, pages):
        if page["items"]:
            listed.append(category)
        for item in page["items"]:
            products[item["id"]] = None
            words = [w for w in item["title"].lower().split() if w.isalpha() and w.isascii() and len(w) >= 3]
            brand = (item.get("brandName") or "").lower()
            for term in ([brand] if brand else []) + words[1:2] + words[-1:] + ([f"{brand} {words[-1]}"] if brand and words else []):
                terms[term] = None
    if not listed:
        sys.exit("journeys: no category lists a product: seed the catalog")
    return {"categories": listed, "products": list(products), "terms": list(terms)}


def api_key(api, seller):
    expires = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    return expect(*api.call("POST", f"/api/v1/sellers/{seller}/api-keys", {"name": "bench journeys", "expiresAt": expires}), (201,), "create an API key")["key"]


def cart_offers(offers, lines):
    """Line l from seller l mod sellers, no offer twice (as cartOffers in k6/lib/journeys.js)."""
    per_seller = [sum(1 for line in range(lines) if line % len(offers) == s) for s in range(len(offers))]
    return [offer for s, seller_offers in enumerate(offers) for offer in random.sample(seller_offers, per_seller[s])]


def make_cart(api, offer_ids):
    """A quoted guest cart, as "cartToken|quoteId|seller:option,…|total" (makeCarts in k6/lib/bench.js)."""
    token = expect(*api.call("POST", "/api/v1/cart/guest"), (201,), "create a guest cart")["token"]
    headers = {"X-Cart-Token": token}
    for offer in offer_ids:
        status, body, _ = api.request("POST", "/api/v1/cart/lines", {"offerId": offer, "quantity": 1}, headers=headers)
        expect(status, body, (200,), "add a line")
    status, quote, _ = api.request("POST", "/api/v1/checkout/quote", {"shippingAddress": ADDRESS}, headers=headers)
    expect(status, quote, (200,), "quote a cart")
    choices = []
    for seller in quote["sellers"]:
        if not seller.get("cheapestOptionId"):
            sys.exit(f"journeys: seller {seller['sellerId']} has no delivery option to {ADDRESS['postalCode']}")
        choices.append(f"{seller['sellerId']}:{seller['cheapestOptionId']}")
    return f"{token}|{quote['quoteId']}|{','.join(choices)}|{quote['total']}"


def place_order(api, cart, key, send=None):
    token, quote_id, choices, total = cart.split("|")
    body = {
        "email": "buyer@bench.invalid",
        "shippingAddress": ADDRESS,
        "delivery": [{"sellerId": c.split(":")[0], "quoteId": quote_id, "optionId": c.split(":")[1]} for c in choices.split(",")],
        "paymentMethodId": "pm_card_visa",
        "expectedTotal": float(total),
    }
    headers = {"X-Cart-Token": token, "Idempotency-Key": key}
    if send:
        return send("checkout", "POST", "/checkout", body, headers, expected=(201, 503))
    return api.request("POST", "/api/v1/checkout", body, headers=headers)


def bulk_price(n, i):
    """File n's price of row i: different from file n − 1's on every row (bulkPrice in k6/lib/journeys.js)."""
    return round(20 + (i % 50) + ((n * 7) % 100) / 100 + 0.01, 2)


def bulk_file(skus, n):
    return "".join(json.dumps({"sku": s[1], "price": bulk_price(n, i), "currency": "EUR", "stock": 10 + (n + i) % 40}) + "\n" for i, s in enumerate(skus)).encode()


def prepare(args, journeys, counts):
    api = Api(args.url, insecure=args.insecure)
    data = {}
    with ThreadPoolExecutor(8) as pool:
        if {"browse", "search", "product"} & set(journeys):
            data.update(catalog_sample(api, pool))
        if {"cart", "checkout"} & set(journeys):
            # The sellers' token stays on its own client: a cart request with a bearer token is the customer's cart, not a guest's.
            owner = Api(args.url, insecure=args.insecure)
            _, sellers = open_sellers(owner, SELLERS)
            skus = light_skus(api, args.offers_per_seller, pool)
            data["offers"] = [list(pool.map(lambda i: put_offer(owner, seller, skus[i][0], round(5 + n + (i % 90) * 0.25, 2), 1000000), range(len(skus))))
                              for n, seller in enumerate(sellers)]
        if "checkout" in journeys:
            data["carts"] = list(pool.map(lambda _: make_cart(api, cart_offers(data["offers"], CHECKOUT_LINES)), range(counts["checkout"])))
        if "seller-bulk" in journeys:
            owner = Api(args.url, insecure=args.insecure)
            _, sellers = open_sellers(owner, args.bulk_sellers, "Bulk")
            skus = light_skus(owner, args.bulk_rows, pool)
            keys = [api_key(owner, seller) for seller in sellers]
            for seller, key in zip(sellers, keys):
                put_offer(owner, seller, skus[0][0], 50, 10)  # waits until the Catalog knows the seller
                status, body, _ = owner.request("POST", f"/api/v1/sellers/{seller}/offers:bulk?report=rejected", bulk_file(skus, 0), "application/x-ndjson",
                                                {"X-Api-Key": key}, timeout=300)
                expect(status, body, (200,), "put up the bulk offers")
            data["bulk"] = {"sellers": sellers, "keys": keys, "skus": skus}
        if "seller-orders" in journeys:
            data["orders"] = prepare_orders(args, counts["seller-orders"], pool)
    return data


def prepare_orders(args, count, pool):
    """One seller with an API key and an offer; count one-line carts checked out; each order's ETag once placed."""
    owner = Api(args.url, insecure=args.insecure)
    _, (seller,) = open_sellers(owner, 1, "Orders")
    sku = light_skus(owner, 1)[0]
    offer = put_offer(owner, seller, sku[0], 12.5, 1000000)
    key = api_key(owner, seller)
    reader = Api(args.url, insecure=args.insecure)

    def placed(i):
        cart = make_cart(reader, [offer])
        for _ in range(30):
            status, body, headers = place_order(reader, cart, f"orders-setup-{i}-{uuid.uuid4().hex}")
            if status != 503:
                break
            time.sleep(float(headers.get("retry-after", 1)))
        order = expect(status, body, (201,), "place an order for the seller")["orders"][0]["id"]
        for _ in range(50):
            status, body, headers = reader.request("GET", f"/api/v1/sellers/{seller}/orders/{order}", headers={"X-Api-Key": key})
            if status == 200 and body["status"] == "placed":
                return f"{order}|{headers['etag']}"
            time.sleep(0.1)
        sys.exit(f"journeys: order {order} never became placed")

    return {"sellerId": seller, "key": key, "list": list(pool.map(placed, range(count)))}


# ---- the journeys, one iteration each (as k6/lib/journeys.js) ----

def typo(term):
    """One letter wrong in the longest word: two neighbours swapped (when they differ), one left out, or one doubled."""
    words = term.split(" ")
    at = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[at]
    if len(word) < 4:
        return term
    i = random.randint(1, len(word) - 2)
    kind = random.randrange(3)
    if kind == 0 and word[i] != word[i + 1]:
        wrong = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    elif kind == 1:
        wrong = word[:i] + word[i + 1:]
    else:
        wrong = word[:i] + word[i] + word[i:]
    words[at] = wrong
    return " ".join(words)


def browse(v, data, n, args):
    category = random.choice(data["categories"])
    status, page, _ = v.send("browse", "GET", f"/products?category={category}&sort=popularity&limit=20")
    v.check(status == 200, "browse is 200")
    v.check(status == 200 and page.get("facets") is not None, "browse has facets")
    cursor = page.get("nextCursor") if status == 200 else None
    if cursor and random.random() < args.deep_share:
        status, page, _ = v.send("browse", "GET", f"/products?category={category}&sort=popularity&limit=20&cursor={urllib.parse.quote(cursor, safe='')}")
        v.check(status == 200, "next page is 200")
        # nextCursor is null on the last page (openapi.json), so the page it leads to has products.
        v.check(status == 200 and len(page["items"]) > 0, "next page has products")


def search(v, data, n, args):
    term = random.choice(data["terms"])
    if random.random() < args.typo_share:
        term = typo(term)
    q = f"q={urllib.parse.quote(term, safe='')}&limit=20"
    status, page, _ = v.send("search", "GET", f"/products?{q}")
    v.check(status == 200, "search is 200")
    v.check(status == 200 and page.get("facets") is not None, "search has facets")
    if status != 200 or random.random() >= args.facet_share:
        return
    facets = page.get("facets") or {}
    narrow = None
    if facets.get("brands"):
        narrow = f"brand={urllib.parse.quote(random.choice(facets['brands'])['value'], safe='')}"
    elif facets.get("prices"):
        bucket = random.choice(facets["prices"])
        narrow = f"minPrice={bucket['min']}&maxPrice={bucket['max']}"
    if narrow:
        status, _, _ = v.send("search", "GET", f"/products?{q}&{narrow}")
        v.check(status == 200, "narrowed search is 200")


def product(v, data, n, args):
    status, page, _ = v.send("product", "GET", f"/products/{random.choice(data['products'])}")
    v.check(status == 200, "product is 200")
    v.check(status == 200 and isinstance(page.get("skus"), list), "product has SKUs")


def cart(v, data, n, args):
    status, created, _ = v.send("cart-create", "POST", "/cart/guest", expected=(201,))
    if not v.check(status == 201, "cart created"):
        return
    headers = {"X-Cart-Token": created["token"]}
    offers = cart_offers(data["offers"], args.cart_lines)
    for offer in offers:
        status, _, _ = v.send("cart-add", "POST", "/cart/lines", {"offerId": offer, "quantity": 1}, headers)
        v.check(status == 200, "line added")
    status, _, _ = v.send("cart-update", "PUT", f"/cart/lines/{offers[0]}", {"quantity": 2}, headers)
    v.check(status == 200, "quantity changed")
    status, read, _ = v.send("cart-read", "GET", "/cart", headers=headers)
    v.check(status == 200 and read.get("lineCount") == len(offers), "cart read with every line")
    status, quote, _ = v.send("cart-quote", "POST", "/checkout/quote", {"shippingAddress": ADDRESS}, headers)
    v.check(status == 200 and all(s.get("cheapestOptionId") for s in quote["sellers"]), "quoted with an option per seller")


def checkout(v, data, n, args):
    if n >= len(data["carts"]):
        v.check(False, "ran out of prepared carts")
        return
    started = time.monotonic()
    status, _, _ = place_order(None, data["carts"][n], f"journeys-{n}-{uuid.uuid4().hex}", v.send)
    v.stats.rate(v.journey, "checkout_refused", status not in (201, 503))
    if status == 201:
        v.stats.sample(v.journey, "checkout_placed_duration", started, (time.monotonic() - started) * 1000)
    v.check(status in (201, 503), "checkout placed or told to retry")


def seller_bulk(v, data, n, args):
    n += 1
    bulk = data["bulk"]
    s = n % len(bulk["sellers"])
    seller = bulk["sellers"][s]
    sku_id, product_id = bulk["skus"][0][0], bulk["skus"][0][2]
    # A shopper's view of the page first, so the product's cached page holds the old price until the change reaches it.
    v.send("seller-bulk-visible", "GET", f"/products/{product_id}")
    status, body, _ = v.send("seller-bulk", "POST", f"/sellers/{seller}/offers:bulk?report=rejected", bulk_file(bulk["skus"], n),
                             {"X-Api-Key": bulk["keys"][s]}, content_type="application/x-ndjson", timeout=300)
    if not v.check(status == 200, "bulk file applied"):
        return
    v.stats.count(v.journey, "bulk_rejected_rows", body["totals"]["rejected"])
    answered = time.monotonic()
    price = bulk_price(n, 0)
    while time.monotonic() - answered < VISIBLE_TIMEOUT_S:
        status, page, _ = v.send("seller-bulk-visible", "GET", f"/products/{product_id}")
        offer = next((o for o in (page.get("offers") or []) if o["sellerId"] == seller and o["skuId"] == sku_id), None) if status == 200 else None
        if offer and abs(offer["price"] - price) < 0.001:
            v.stats.sample(v.journey, "bulk_visible_duration", answered, (time.monotonic() - answered) * 1000)
            return
        time.sleep(0.1)
    v.stats.count(v.journey, "bulk_unseen", 1)
    v.check(False, "new price shown within 10 s")


def seller_orders(v, data, n, args):
    orders = data["orders"]
    if n >= len(orders["list"]):
        v.check(False, "ran out of prepared orders")
        return
    order, etag = orders["list"][n].split("|")
    seller, key = orders["sellerId"], {"X-Api-Key": orders["key"]}
    status, _, _ = v.send("seller-orders-list", "GET", f"/sellers/{seller}/orders?status=placed&limit=20", headers=key)
    v.check(status == 200, "order list is 200")
    status, accepted, headers = v.send("seller-accept", "POST", f"/sellers/{seller}/orders/{order}/accept", headers={**key, "If-Match": etag})
    if not v.check(status == 200 and accepted.get("status") == "accepted", "order accepted"):
        return
    status, shipped, _ = v.send("seller-ship", "POST", f"/sellers/{seller}/orders/{order}/ship", {"carrier": "DHL", "trackingNumber": f"BENCH{order[:8].upper()}"},
                                {**key, "If-Match": headers.get("etag", "")})
    v.check(status == 200 and shipped.get("status") == "shipped", "order shipped")


ITERATIONS = {"browse": browse, "search": search, "product": product, "cart": cart, "checkout": checkout,
              "seller-bulk": seller_bulk, "seller-orders": seller_orders}


# ---- the open model ----

def arrivals(rate, ramp, duration, start_rate=0.0):
    """Due times (seconds from the start) of a ramp from start_rate to rate over ramp seconds, then rate for duration
    seconds (k6's ramping-arrival-rate): iteration n is due when the arrivals so far, the integral of the rate, reach n − 1."""
    slope = (rate - start_rate) / ramp if ramp > 0 else 0.0
    ramp_count = (start_rate + rate) / 2 * ramp
    n = 0
    while True:
        if n < ramp_count:
            # start_rate·t + slope·t²/2 = n
            t = n / start_rate if slope == 0 else (-start_rate + math.sqrt(start_rate ** 2 + 2 * slope * n)) / slope
        else:
            t = ramp + (n - ramp_count) / rate
        if t >= ramp + duration:
            return
        yield t
        n += 1


def iterations_of(rate, ramp, duration, start_rate=0.0):
    """The iterations such a ramp starts, and a few spare (iterationsOf in k6/lib/journeys.js)."""
    return math.ceil(((start_rate + rate) / 2 * ramp + rate * duration) * 1.02) + 10


def drive(args, journey, rate, start_rate, data, stats, start):
    """Starts iteration n of the journey at its due time on a free worker, whatever the earlier ones answered."""
    api = Api(args.url, insecure=args.insecure)
    workers = max(8, math.ceil(rate * ITERATION_SECONDS[journey] * 4))

    def run_one(n, due):
        stats.iteration(journey, time.monotonic() - due)
        try:
            ITERATIONS[journey](Visit(api, journey, stats), data, n, args)
        except Exception as error:  # a body of an unexpected shape: a failed check, not a dead worker
            stats.check(journey, False, f"iteration raised {type(error).__name__}: {error}"[:160])

    with ThreadPoolExecutor(workers, thread_name_prefix=journey) as pool:
        for n, offset in enumerate(arrivals(rate, args.ramp, args.duration, start_rate)):
            due = start + offset
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(run_one, n, due)


def progress(stats, journeys, start, total, done):
    """Every 5 s to stderr: elapsed time, iterations and failures so far, per journey."""
    while not done.wait(5):
        elapsed = time.monotonic() - start
        with stats.lock:
            parts = [f"{j} {stats.iterations[j]} it, {stats.failed[j] + stats.failed_checks[j]} failed" for j in journeys]
        print(f"[journeys] {min(elapsed, total):.0f}/{total:.0f} s: " + "; ".join(parts), file=sys.stderr, flush=True)


def report(args, stats, journeys, rates, label):
    """RESULT, TARGET and VERDICT lines; answers whether every threshold passed."""
    ms = lambda values, p: percentile(values, p)
    held_from = args.ramp
    every_pass = True
    for journey in journeys:
        failures_below = CONFIG["failures"]["below"]
        names = sorted(m for (j, m) in stats.samples if j == journey)
        for metric in names:
            samples = stats.samples[(journey, metric)]
            values = [d for _, d in samples]
            held = sum(1 for started, _ in samples if started - stats.start >= held_from)
            name = metric[len("http_req_duration{name:"):-1] if metric.startswith("http_req_duration{") else metric
            print(f"RESULT scenario={label} journey={journey} request={name} count={len(values)} rps={held / args.duration:.1f} "
                  f"p50_ms={ms(values, 50):.2f} p95_ms={ms(values, 95):.2f} p99_ms={ms(values, 99):.2f} max_ms={max(values):.2f} "
                  f"failed={stats.failed_by_name[(journey, name)]}")
        lags = [lag * 1000 for lag in stats.lags[journey]]
        print(f"RESULT scenario={label} journey={journey} iterations={stats.iterations[journey]} offered_rate={rates[journey]:.3g}/s "
              f"launch_lag_p99_ms={ms(lags, 99):.1f} launch_lag_max_ms={max(lags, default=float('nan')):.1f} "
              f"requests={stats.requests[journey]} failed_requests={stats.failed[journey]} checks={stats.checks[journey]} failed_checks={stats.failed_checks[journey]}")
        for (j, metric), value in sorted(stats.counts.items()):
            if j == journey:
                print(f"RESULT scenario={label} journey={journey} {metric}={value:g}")
        verdicts = []
        for threshold in CONFIG["thresholds"][journey]:
            metric, stat, below = threshold["metric"], threshold["stat"], threshold["below"]
            if stat.startswith("p("):
                values = [d for _, d in stats.samples.get((journey, metric), [])]
                value = ms(values, float(stat[2:-1])) if values else float("nan")
            elif stat == "rate":
                true, total = stats.rates.get((journey, metric), [0, 0])
                value = true / total if total else 0.0
            else:
                value = stats.counts.get((journey, metric), 0)
            # No sample (an iteration that never ran) fails: a threshold with nothing to judge has not been met.
            verdicts.append((f"{metric} {stat}={value:.4g} below={below:g}" + (" (no samples)" if math.isnan(value) else ""), value < below, threshold["source"]))
        requests, checks = max(1, stats.requests[journey]), max(1, stats.checks[journey])
        verdicts.append((f"http_req_failed rate={stats.failed[journey] / requests:.4g} below={failures_below:g}", stats.failed[journey] / requests < failures_below, CONFIG["failures"]["source"]))
        verdicts.append((f"checks failed rate={stats.failed_checks[journey] / checks:.4g} below={failures_below:g}", stats.failed_checks[journey] / checks < failures_below, CONFIG["failures"]["source"]))
        for text, passed, source in verdicts:
            print(f"TARGET scenario={label} journey={journey} {text} {'PASS' if passed else 'FAIL'}  # {source}")
        if journey in CONFIG.get("unjudged", {}):
            print(f"NOTE scenario={label} journey={journey} {CONFIG['unjudged'][journey]}")
        for what, count in stats.check_failures[journey].most_common(5):
            print(f"journeys: {journey}: check failed {count} times: {what}", file=sys.stderr)
        journey_pass = all(passed for _, passed, _ in verdicts)
        every_pass &= journey_pass
        print(f"VERDICT scenario={label} journey={journey} {'PASS' if journey_pass else 'FAIL'}")
    return every_pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("journey", choices=JOURNEYS + ["mix"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rate", type=float, required=True, help="iterations/s at the peak (mix: of all the visitors' journeys together)")
    parser.add_argument("--ramp", type=float, default=5, help="seconds from 0 to --rate")
    parser.add_argument("--duration", type=float, default=15, help="seconds held at --rate after the ramp")
    parser.add_argument("--insecure", action="store_true", help="accept any TLS certificate (the compose stack's self-signed one)")
    parser.add_argument("--label", help="the scenario name in the output (default: the journey)")
    parser.add_argument("--bulk-per-minute", type=float, default=CONFIG["mix"]["bulkFilesPerMinute"], help="mix: the sellers' bulk files a minute")
    defaults = CONFIG["defaults"]
    parser.add_argument("--deep-share", type=float, default=defaults["deepShare"])
    parser.add_argument("--typo-share", type=float, default=defaults["typoShare"])
    parser.add_argument("--facet-share", type=float, default=defaults["facetShare"])
    parser.add_argument("--cart-lines", type=int, default=defaults["cartLines"])
    parser.add_argument("--offers-per-seller", type=int, default=defaults["offersPerSeller"])
    parser.add_argument("--bulk-rows", type=int, default=defaults["bulkRows"])
    parser.add_argument("--bulk-sellers", type=int, default=defaults["bulkSellers"])
    args = parser.parse_args()

    if args.journey == "mix":
        rates = {j: args.rate * share for j, share in CONFIG["mix"]["shares"].items()}
        rates["seller-bulk"] = args.bulk_per_minute / 60
    else:
        rates = {args.journey: args.rate}
    journeys = [j for j in JOURNEYS if j in rates]
    label = args.label or args.journey
    # In the mix the sellers' work does not follow the visitors' ramp: it runs at its rate from the start.
    start_rates = {j: rates[j] if args.journey == "mix" and j in CONFIG["mix"]["background"] else 0.0 for j in journeys}

    print(f"[journeys] {label}: setting up {', '.join(journeys)} through the API", file=sys.stderr, flush=True)
    set_up = time.monotonic()
    data = prepare(args, journeys, {j: iterations_of(rates[j], args.ramp, args.duration, start_rates[j]) for j in ("checkout", "seller-orders") if j in rates})
    print(f"[journeys] {label}: set up in {time.monotonic() - set_up:.0f} s; "
          f"{', '.join(f'{j} {rates[j]:.3g}/s' for j in journeys)}, ramp {args.ramp:g} s, held {args.duration:g} s", file=sys.stderr, flush=True)

    stats = Stats()
    stats.start = time.monotonic() + 0.5
    done = threading.Event()
    threading.Thread(target=progress, args=(stats, journeys, stats.start, args.ramp + args.duration, done), daemon=True).start()
    drivers = [threading.Thread(target=drive, args=(args, j, rates[j], start_rates[j], data, stats, stats.start)) for j in journeys]
    for driver in drivers:
        driver.start()
    for driver in drivers:
        driver.join()
    done.set()
    return 0 if report(args, stats, journeys, rates, label) else 1


if __name__ == "__main__":
    sys.exit(main())
