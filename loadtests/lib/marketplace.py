"""The marketplace API as the Python load scripts call it (churn.py, journeys.py): a keep-alive client per thread, bench
sellers opened through the public API as any new seller would be, their offers, and the percentile the reports print.
Standard library only.
"""
import http.client
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse
import uuid

PASSWORD = "Bench-seller-pass-1"
# Light and small enough for every delivery service of the demo rules, so each seller of a cart gets a delivery option.
LIGHT_GRAMS, LIGHT_MM = 2000, 500


class Api:
    """One keep-alive connection per thread. insecure: accept any TLS certificate (the compose stack's self-signed one)."""

    def __init__(self, url, token=None, insecure=False):
        parsed = urllib.parse.urlparse(url)
        self.https = parsed.scheme == "https"
        self.host, self.port = parsed.hostname, parsed.port or (443 if self.https else 80)
        self.token = token
        self.context = ssl._create_unverified_context() if insecure else None
        self.local = threading.local()

    def _connection(self, timeout):
        if getattr(self.local, "conn", None) is None:
            self.local.conn = (http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self.context) if self.https
                               else http.client.HTTPConnection(self.host, self.port, timeout=timeout))
        return self.local.conn

    def request(self, method, path, body=None, content_type="application/json", headers=None, timeout=60):
        """Sends one request; answers (status, parsed JSON body or None, response headers as a dict)."""
        conn = self._connection(timeout)
        sent = {"Accept": "application/json"}
        if body is not None:
            sent["Content-Type"] = content_type
            if not isinstance(body, (bytes, bytearray)):
                body = json.dumps(body).encode()
        if self.token:
            sent["Authorization"] = "Bearer " + self.token
        sent.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            conn.close()
            self.local.conn = None
            raise
        parsed = json.loads(data) if data and response.getheader("Content-Type", "").find("json") >= 0 else None
        return response.status, parsed, {k.lower(): v for k, v in response.getheaders()}

    def call(self, method, path, body=None, content_type="application/json", timeout=60):
        """Sends one request; answers (status, parsed JSON body or None)."""
        status, parsed, _ = self.request(method, path, body, content_type, timeout=timeout)
        return status, parsed


def expect(status, body, wanted, what):
    if status not in wanted:
        sys.exit(f"{os.path.basename(sys.argv[0])}: {what} answered {status}: {body}")
    return body


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def open_sellers(api, count, label="Bench"):
    """A fresh account opens count sellers and signs in again, so that its token carries the memberships. Sets api.token
    to that token; answers (email, [seller ids])."""
    tag = uuid.uuid4().hex
    email = f"{label.lower()}-{tag}@bench.invalid"
    api.token = None
    expect(*api.call("POST", "/api/v1/customers", {"email": email, "password": PASSWORD}), (202,), "register the bench account")
    api.token = expect(*api.call("POST", "/api/v1/auth/token", {"email": email, "password": PASSWORD}), (200,), "sign in")["accessToken"]
    sellers = [expect(*api.call("POST", "/api/v1/sellers", {"name": f"{label} seller {n} {tag[:8]}", "legalName": f"{label} Seller {n} GmbH", "countryCode": "DE"}),
                      (201,), "open a bench seller")["sellerId"] for n in range(1, count + 1)]
    api.token = expect(*api.call("POST", "/api/v1/auth/token", {"email": email, "password": PASSWORD}), (200,), "sign in again")["accessToken"]
    return email, sellers


def put_offer(api, seller, sku, price, stock, deadline_seconds=60):
    """Puts up (or resets) the seller's offer on a SKU; answers its offer id. The first offer of a new seller waits until
    Catalog has heard of the seller, so it is retried until a deadline."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        status, body = api.call("PUT", f"/api/v1/sellers/{seller}/offers/{sku}", {"price": price, "currency": "EUR", "stock": stock, "dispatchDays": 1})
        if status in (200, 201):
            return body["offerId"]
        if time.monotonic() > deadline or status in (400, 404):
            sys.exit(f"{os.path.basename(sys.argv[0])}: put up an offer answered {status}: {body}")
        time.sleep(0.2)


def light_skus(api, count, pool=None):
    """SKUs in stock of the catalog light and small enough for every delivery service, as (sku id, code, product id).
    Listed newest first: the default order (popularity) loses pages once viewed products' scores pass decimal's range,
    which the cursor carries them in (lightSkus in k6/lib/bench.js)."""
    found, cursor = [], None
    while len(found) < count:
        page = expect(*api.call("GET", "/api/v1/products?inStock=true&sort=newest&limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")), (200,), "list products")
        paths = [f"/api/v1/products/{p['id']}" for p in page["items"]]
        details = list(pool.map(lambda path: api.call("GET", path)[1], paths)) if pool else [api.call("GET", path)[1] for path in paths]
        for detail in details:
            for sku in (detail or {}).get("skus") or []:
                if sku["weightGrams"] <= LIGHT_GRAMS and max(sku["lengthMm"], sku["widthMm"], sku["heightMm"]) <= LIGHT_MM:
                    found.append((sku["id"], sku["code"], detail["id"]))
        cursor = page.get("nextCursor")
        if not cursor:
            break
    if len(found) < count:
        sys.exit(f"{os.path.basename(sys.argv[0])}: only {len(found)} light SKUs in stock, {count} wanted: seed more SKUs")
    return found[:count]
