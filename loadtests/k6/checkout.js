// k6 load test of checkout for a real deployment: the same scenarios as loadtests/checkout.sh with Checkout.Load.
//
//   k6 run -e BASE_URL=https://api.example.com -e SCENARIO=checkout -e RATE=300 -e DURATION=60s loadtests/k6/checkout.js
//   k6 run -e BASE_URL=... -e SCENARIO=overload -e RATE=600 loadtests/k6/checkout.js     # twice the sustainable rate
//   k6 run -e BASE_URL=... -e SCENARIO=contention -e BUYERS=500 -e UNITS=10 loadtests/k6/checkout.js
//
// setup() (not measured) registers a bench account, opens bench sellers through the API, puts up offers on light SKUs
// of the catalog (1,000,000 units each; UNITS for contention), and makes and quotes one guest cart per checkout the run
// will send (carts of LINES lines from SELLERS sellers), in batches. Each iteration then sends one prepared checkout
// with a fresh Idempotency-Key, at a constant arrival rate (open model), so latency stays honest under overload.
//
// The guest-cart and per-client rate limits of the deployment (RateLimits:global, RateLimits:cart-guest,
// RateLimits:credentials) must admit the load generator's address, or setup gets 429s.
// Memory: every VU holds the prepared carts (about 200 bytes each); keep MAX_VUS near RATE × the expected latency.
import http from 'k6/http';
import exec from 'k6/execution';
import { check, fail, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:5080').replace(/\/$/, '');
const API = `${BASE_URL}/api/v1`;
const SCENARIO = __ENV.SCENARIO || 'checkout';
const RATE = Number(__ENV.RATE || (SCENARIO === 'overload' ? 600 : 300));
const DURATION = __ENV.DURATION || '60s';
const LINES = Number(__ENV.LINES || 5);
const SELLERS = Number(__ENV.SELLERS || 3);
const OFFERS_PER_SELLER = Number(__ENV.OFFERS_PER_SELLER || 100);
const BUYERS = Number(__ENV.BUYERS || 500);
const UNITS = Number(__ENV.UNITS || 10);
const BATCH = Number(__ENV.SETUP_BATCH || 50);
const MAX_VUS = Number(__ENV.MAX_VUS || Math.max(50, RATE));
const PASSWORD = 'Bench-seller-pass-1';
const ADDRESS = { name: 'Bench Buyer', country: 'DE', postalCode: '10115', city: 'Berlin', lines: ['Invalidenstrasse 1'] };
const JSON_HEADERS = { 'Content-Type': 'application/json' };

const seconds = (duration) => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration);
  if (!match) throw new Error(`DURATION ${duration}: use 30s, 2m…`);
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2]];
};

const placed = new Trend('checkout_placed_duration', true);
const busy = new Trend('checkout_busy_duration', true);
const busyShare = new Rate('checkout_busy_503');
const refused = new Rate('checkout_refused');
const busyWithoutRetryAfter = new Counter('checkout_busy_without_retry_after');
const placedOrders = new Counter('contention_placed');
const outOfStock = new Counter('contention_out_of_stock');
const contentionOther = new Counter('contention_other');
const outOfStockDuration = new Trend('contention_out_of_stock_duration', true);

const throughputScenario = (rate) => ({
  executor: 'constant-arrival-rate',
  exec: 'checkout',
  rate,
  timeUnit: '1s',
  duration: DURATION,
  preAllocatedVUs: Math.max(10, Math.ceil(rate / 10)),
  maxVUs: MAX_VUS,
});

const scenarios = {
  checkout: {
    scenarios: { checkout: throughputScenario(RATE) },
    // Targets: RATE checkouts/s placed with p95 < 100 ms, none refused (a dropped iteration means the rate was not met).
    thresholds: {
      checkout_placed_duration: ['p(95)<100'],
      checkout_refused: ['rate<0.001'],
      dropped_iterations: ['count<1'],
    },
  },
  overload: {
    scenarios: { overload: throughputScenario(RATE) },
    // The placed p99 and the share of 503s are reported in the summary; judged: every 503 is fast and carries Retry-After.
    thresholds: {
      checkout_busy_duration: ['p(99)<100'],
      checkout_busy_without_retry_after: ['count<1'],
    },
  },
  contention: {
    // Every buyer starts at once with one unit in a quoted cart.
    scenarios: { contention: { executor: 'per-vu-iterations', exec: 'contend', vus: BUYERS, iterations: 1, maxDuration: '2m' } },
    thresholds: {
      contention_placed: [`count==${UNITS}`],
      contention_out_of_stock: [`count==${BUYERS - UNITS}`],
      contention_other: ['count<1'],
      checks: ['rate==1'],
    },
  },
};
if (!scenarios[SCENARIO]) throw new Error(`SCENARIO must be one of ${Object.keys(scenarios).join(', ')}`);

export const options = {
  setupTimeout: __ENV.SETUP_TIMEOUT || '30m',
  teardownTimeout: '2m',
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max', 'count'],
  ...scenarios[SCENARIO],
};

const expect = (response, status, what) => {
  if (response.status !== status) fail(`${what}: ${response.status} ${response.body}`);
  return response;
};
const post = (path, body, headers = {}) => http.post(`${API}${path}`, JSON.stringify(body), { headers: { ...JSON_HEADERS, ...headers }, tags: { name: 'setup' } });
const bearer = (token) => ({ Authorization: `Bearer ${token}` });

function signIn(email) {
  return expect(post('/auth/token', { email, password: PASSWORD }), 200, 'sign in').json('accessToken');
}

// A fresh account opens the sellers and signs in again, so that its token carries the memberships.
function openSellers(count) {
  const email = `bench-${Date.now()}-${Math.floor(Math.random() * 1e9)}@bench.invalid`;
  expect(post('/customers', { email, password: PASSWORD }), 202, 'register the bench account');
  const customer = signIn(email);
  const sellers = [];
  for (let n = 1; n <= count; n++) {
    const created = expect(post('/sellers', { name: `Bench seller ${n} ${email}`, legalName: `Bench Seller ${n} GmbH`, countryCode: 'DE' }, bearer(customer)), 201, 'open a seller');
    sellers.push(created.json('sellerId'));
  }
  return { token: signIn(email), sellers };
}

// SKUs light and small enough for every delivery service of the rules, so that each seller of a cart gets an option.
function lightSkus(count) {
  const skus = [];
  let cursor = null;
  do {
    const page = expect(http.get(`${API}/products?inStock=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { tags: { name: 'setup' } }), 200, 'list products').json();
    const details = http.batch(page.items.map((p) => ['GET', `${API}/products/${p.id}`, null, { tags: { name: 'setup' } }]));
    for (const detail of details) {
      for (const sku of detail.json('skus') || []) {
        if (sku.weightGrams <= 2000 && Math.max(sku.lengthMm, sku.widthMm, sku.heightMm) <= 500) skus.push(sku.id);
      }
    }
    cursor = page.nextCursor;
  } while (skus.length < count && cursor);
  if (skus.length < count) fail(`only ${skus.length} light SKUs in stock; lower OFFERS_PER_SELLER`);
  return skus.slice(0, count);
}

// The first offer of a new seller waits until the Catalog has heard of the seller.
function putUpOffer(owner, sellerId, skuId, price, stock) {
  for (let attempt = 0; attempt < 300; attempt++) {
    const response = http.put(`${API}/sellers/${sellerId}/offers/${skuId}`, JSON.stringify({ price, currency: 'EUR', stock, dispatchDays: 1 }),
      { headers: { ...JSON_HEADERS, ...bearer(owner.token) }, tags: { name: 'setup' } });
    if (response.status === 200 || response.status === 201) return response.json('offerId');
    if (response.status === 400 || response.status === 404) break;
    sleep(0.2);
  }
  return fail(`put up an offer of seller ${sellerId}`);
}

// count guest carts of the given offer lists, quoted, as "cartToken|quoteId|seller:option,…|total" in batches of BATCH.
function makeCarts(count, linesOf) {
  const carts = [];
  for (let start = 0; start < count; start += BATCH) {
    const size = Math.min(BATCH, count - start);
    const tokens = http.batch(Array.from({ length: size }, () => ['POST', `${API}/cart/guest`, null, { tags: { name: 'setup' } }]))
      .map((r) => expect(r, 201, 'create a guest cart').json('token'));
    const lines = tokens.map(() => linesOf());
    for (let line = 0; line < lines[0].length; line++) {
      http.batch(tokens.map((token, i) => ['POST', `${API}/cart/lines`, JSON.stringify({ offerId: lines[i][line], quantity: 1 }),
        { headers: { ...JSON_HEADERS, 'X-Cart-Token': token }, tags: { name: 'setup' } }]))
        .forEach((r) => expect(r, 200, 'add a line'));
    }
    const quotes = http.batch(tokens.map((token) => ['POST', `${API}/checkout/quote`, JSON.stringify({ shippingAddress: ADDRESS }),
      { headers: { ...JSON_HEADERS, 'X-Cart-Token': token }, tags: { name: 'setup' } }]));
    quotes.forEach((r, i) => {
      const quote = expect(r, 200, 'quote a cart').json();
      const choices = quote.sellers.map((s) => {
        if (!s.cheapestOptionId) fail(`seller ${s.sellerId} has no delivery option to ${ADDRESS.postalCode}`);
        return `${s.sellerId}:${s.cheapestOptionId}`;
      });
      carts.push(`${tokens[i]}|${quote.quoteId}|${choices.join(',')}|${quote.total}`);
    });
  }
  return carts;
}

const pickDistinct = (items, n) => {
  const chosen = new Set();
  while (chosen.size < n) chosen.add(items[Math.floor(Math.random() * items.length)]);
  return [...chosen];
};

export function setup() {
  if (SCENARIO === 'contention') {
    const owner = openSellers(1);
    const sku = lightSkus(1)[0];
    const offer = putUpOffer(owner, owner.sellers[0], sku, 19.9, UNITS);
    return { owner, sku, carts: makeCarts(BUYERS, () => [offer]) };
  }

  const owner = openSellers(SELLERS);
  const skus = lightSkus(OFFERS_PER_SELLER);
  const offers = owner.sellers.map((sellerId, n) => skus.map((sku, i) => putUpOffer(owner, sellerId, sku, 5 + n + (i % 90) * 0.25, 1000000)));
  const perSeller = offers.map((_, s) => Array.from({ length: LINES }, (__, line) => line % SELLERS).filter((x) => x === s).length);
  // One cart per iteration the scenario can start, and a few spare.
  const count = Math.ceil(RATE * seconds(DURATION) * 1.02) + 10;
  return { owner, carts: makeCarts(count, () => offers.flatMap((sellerOffers, s) => pickDistinct(sellerOffers, perSeller[s]))) };
}

function send(cart, key) {
  const [token, quoteId, choices, total] = cart.split('|');
  const body = {
    email: 'buyer@bench.invalid',
    shippingAddress: ADDRESS,
    delivery: choices.split(',').map((c) => { const [sellerId, optionId] = c.split(':'); return { sellerId, quoteId, optionId }; }),
    paymentMethodId: 'pm_card_visa',
    expectedTotal: Number(total),
  };
  return http.post(`${API}/checkout`, JSON.stringify(body),
    { headers: { ...JSON_HEADERS, 'X-Cart-Token': token, 'Idempotency-Key': key }, tags: { name: 'checkout' }, responseCallback: http.expectedStatuses(201, 503) });
}

const newKey = () => `${exec.vu.idInTest}-${exec.scenario.iterationInTest}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;

export function checkout(data) {
  const cart = data.carts[exec.scenario.iterationInTest];
  if (!cart) fail('ran out of prepared carts');
  const response = send(cart, newKey());
  busyShare.add(response.status === 503);
  refused.add(response.status !== 201 && response.status !== 503);
  if (response.status === 201) {
    placed.add(response.timings.duration);
  } else if (response.status === 503) {
    busy.add(response.timings.duration);
    if (!response.headers['Retry-After']) busyWithoutRetryAfter.add(1);
  }
  check(response, { 'checkout placed or told to retry': (r) => r.status === 201 || r.status === 503 });
}

// One buyer; a 503 is repeated with the same key after its Retry-After, as the contract asks.
export function contend(data) {
  const cart = data.carts[exec.vu.idInTest - 1];
  const key = newKey();
  let response = send(cart, key);
  for (let attempt = 0; response.status === 503 && attempt < 30; attempt++) {
    sleep(Number(response.headers['Retry-After'] || 1));
    response = send(cart, key);
  }
  if (response.status === 201) {
    placedOrders.add(1);
    placed.add(response.timings.duration);
  } else if (response.status === 409 && response.json('code') === 'out_of_stock') {
    outOfStock.add(1);
    outOfStockDuration.add(response.timings.duration);
  } else {
    contentionOther.add(1);
  }
}

export function teardown(data) {
  if (SCENARIO !== 'contention') return;
  const sellerId = data.owner.sellers[0];
  const offers = expect(http.get(`${API}/sellers/${sellerId}/offers?limit=100`, { headers: bearer(data.owner.token) }), 200, 'read the offer').json('items');
  const stock = offers.find((o) => o.skuId === data.sku).stock;
  const orders = expect(http.get(`${API}/sellers/${sellerId}/orders?limit=100`, { headers: bearer(data.owner.token) }), 200, 'read the orders').json('items').length;
  console.log(`contention: stock after ${stock}, seller orders ${orders}`);
  check(null, {
    'stock of the contended offer is 0': () => stock === 0,
    [`the seller has exactly ${UNITS} orders`]: () => orders === UNITS,
  });
}
