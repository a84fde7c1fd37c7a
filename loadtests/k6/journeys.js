// k6 load test of one journey for a real deployment, with the journey's targets as thresholds. RATE iterations a second,
// reached by a ramping-arrival-rate over RAMP and held for DURATION (open model: an iteration starts on time whatever the
// earlier ones answered).
//
//   k6 run -e BASE_URL=https://api.example.com -e JOURNEY=search -e RATE=100 -e DURATION=5m loadtests/k6/journeys.js
//   k6 run -e BASE_URL=https://api.example.com -e JOURNEY=checkout -e RATE=300 -e DURATION=60s loadtests/k6/journeys.js
//
// The compose stack on this machine, through nginx and its self-signed certificate (docs/operations.md, "The
// certificate"); seed it first, e.g. `docker compose run --rm migrate seed --skus 4200`:
//
//   k6 run --insecure-skip-tls-verify -e BASE_URL=https://localhost -e JOURNEY=cart -e RATE=20 loadtests/k6/journeys.js
//
// Journeys (JOURNEY), the requests of one iteration (their `name` tag) and the thresholds (loadtests/k6/journeys.json,
// which cites the row of loadtests/RESULTS.md each comes from; every journey also fails on > 0.1 % failed requests or checks):
//   browse         a category's first page (popularity, 20, with facets); DEEP_SHARE (0.3) go on to the next page by
//                  nextCursor. `browse` p95 < 30 ms.
//   search         a search word of the catalog, TYPO_SHARE (0.2) with one letter wrong; FACET_SHARE (0.3) narrow the
//                  answer by one of its brand (or price) facets. `search` p95 < 50 ms.
//   product        a product page. `product` p95 < 5 ms.
//   cart           a guest cart: create, add CART_LINES (3) offers of three bench sellers, change a quantity, read the
//                  priced cart, quote delivery to Berlin (cart-create, cart-add, cart-update, cart-read, cart-quote).
//                  `cart-read` p95 < 10 ms; no target is recorded for the others.
//   checkout       a quoted 5-line cart of 3 bench sellers checked out with a fresh Idempotency-Key, as checkout.js's
//                  `checkout` scenario. Placed p95 < 100 ms, none refused (503 with Retry-After is not a refusal).
//   seller-bulk    a bench seller's API key sends a file of BULK_ROWS (500) new prices and stock (offers:bulk, JSON
//                  Lines); the first row's product page is then read until it shows the new price. The time that
//                  takes (bulk_visible_duration) p95 < 2 s; no row rejected.
//   seller-orders  a seller's API key lists its placed orders, accepts one (If-Match its ETag) and ships it (If-Match
//                  the accept's ETag). No latency target is recorded: judged on failures only.
//
// setup() (not measured) prepares through the API what the journey needs: a sample of categories, products and search
// words from the category pages; bench sellers (a fresh account, as checkout.js) with offers of 1,000,000 units on light
// SKUs; for checkout, one quoted cart per iteration the run can start; for seller-bulk, BULK_SELLERS (2) sellers with an
// API key and offers on BULK_ROWS SKUs; for seller-orders, one placed order per iteration, with its ETag.
//
// The deployment's per-client rate limits (README, "Rate limits": global, credentials, cart-guest) must admit the load
// generator's address, or setup and the cart journeys get 429s; the bulk policy admits 30 files a minute per seller
// (BULK_SELLERS spreads them). Python twin on one machine: loadtests/journeys.py run --journey NAME (journeys.sh).
import { configure, iterationsOf, JOURNEYS, prepare, ramping, thresholds } from './lib/journeys.js';

export { browse, search, product, cart, checkout, sellerBulk, sellerOrders } from './lib/journeys.js';

const JOURNEY = __ENV.JOURNEY || 'browse';
if (!JOURNEYS.includes(JOURNEY)) throw new Error(`JOURNEY must be one of ${JOURNEYS.join(', ')}`);
configure(open('./journeys.json'));

const DEFAULT_RATE = { browse: 100, search: 100, product: 200, cart: 20, checkout: 30, 'seller-bulk': 0.2, 'seller-orders': 5 };
const RATE = Number(__ENV.RATE || DEFAULT_RATE[JOURNEY]);
const RAMP = __ENV.RAMP || '30s';
const DURATION = __ENV.DURATION || '2m';

export const options = {
  setupTimeout: __ENV.SETUP_TIMEOUT || '30m',
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max', 'count'],
  scenarios: { [JOURNEY]: ramping(JOURNEY, RATE, RAMP, DURATION) },
  thresholds: thresholds([JOURNEY]),
};

export function setup() {
  const count = iterationsOf(RATE, RAMP, DURATION);
  return prepare([JOURNEY], { checkout: count, 'seller-orders': count });
}
