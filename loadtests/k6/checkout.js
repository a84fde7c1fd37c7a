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
import { API, bearer, expect, lightSkus, makeCarts, openSellers, pickDistinct, placeOrder, putUpOffer, seconds } from './lib/bench.js';

const SCENARIO = __ENV.SCENARIO || 'checkout';
const RATE = Number(__ENV.RATE || (SCENARIO === 'overload' ? 600 : 300));
const DURATION = __ENV.DURATION || '60s';
const LINES = Number(__ENV.LINES || 5);
const SELLERS = Number(__ENV.SELLERS || 3);
const OFFERS_PER_SELLER = Number(__ENV.OFFERS_PER_SELLER || 100);
const BUYERS = Number(__ENV.BUYERS || 500);
const UNITS = Number(__ENV.UNITS || 10);
const MAX_VUS = Number(__ENV.MAX_VUS || Math.max(50, RATE));

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

export function setup() {
  if (SCENARIO === 'contention') {
    const owner = openSellers(1);
    const sku = lightSkus(1)[0].id;
    const offer = putUpOffer(owner, owner.sellers[0], sku, 19.9, UNITS);
    return { owner, sku, carts: makeCarts(BUYERS, () => [offer]) };
  }

  const owner = openSellers(SELLERS);
  const skus = lightSkus(OFFERS_PER_SELLER);
  const offers = owner.sellers.map((sellerId, n) => skus.map((sku, i) => putUpOffer(owner, sellerId, sku.id, 5 + n + (i % 90) * 0.25, 1000000)));
  const perSeller = offers.map((_, s) => Array.from({ length: LINES }, (__, line) => line % SELLERS).filter((x) => x === s).length);
  // One cart per iteration the scenario can start, and a few spare.
  const count = Math.ceil(RATE * seconds(DURATION) * 1.02) + 10;
  return { owner, carts: makeCarts(count, () => offers.flatMap((sellerOffers, s) => pickDistinct(sellerOffers, perSeller[s]))) };
}

const newKey = () => `${exec.vu.idInTest}-${exec.scenario.iterationInTest}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;

export function checkout(data) {
  const cart = data.carts[exec.scenario.iterationInTest];
  if (!cart) fail('ran out of prepared carts');
  const response = placeOrder(cart, newKey());
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
  let response = placeOrder(cart, key);
  for (let attempt = 0; response.status === 503 && attempt < 30; attempt++) {
    sleep(Number(response.headers['Retry-After'] || 1));
    response = placeOrder(cart, key);
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
