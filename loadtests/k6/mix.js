// k6 load test of the journeys mixed as a day's traffic, for a real deployment: RATE visitor iterations a second at the
// peak, shared between the journeys of loadtests/k6/journeys.js by the shares of loadtests/k6/journeys.json ("mix":
// browse 35 %, search 25 %, product 33 %, cart 5 %, checkout 1 %), with the sellers in the background: seller-orders at
// 1 % of RATE (about one order handled per checkout) and seller-bulk at BULK_PER_MINUTE (6) files a minute. Each journey
// is a ramping-arrival-rate scenario of its own (the visitors' from 0 to their rate over RAMP, the sellers' at theirs
// from the start; then held for DURATION), judged by its own thresholds, the same as journeys.js's (journeys.json cites
// the RESULTS.md row of each).
//
//   k6 run -e BASE_URL=https://api.example.com -e RATE=1000 -e DURATION=10m loadtests/k6/mix.js
//
// The compose stack on this machine, through nginx and its self-signed certificate (seed it first, e.g.
// `docker compose run --rm migrate seed --skus 4200`):
//
//   k6 run --insecure-skip-tls-verify -e BASE_URL=https://localhost -e RATE=100 -e DURATION=2m loadtests/k6/mix.js
//
// setup() prepares what every journey needs, as journeys.js does, with carts and placed orders for as many iterations
// as the checkout and seller-orders scenarios can start. The deployment's per-client rate limits (README, "Rate limits":
// global, credentials, cart-guest) must admit the load generator's address. Knobs as in journeys.js (DEEP_SHARE,
// TYPO_SHARE, FACET_SHARE, CART_LINES, BULK_ROWS, BULK_SELLERS). Python twin: loadtests/journeys.py mix (journeys.sh).
import { configure, iterationsOf, prepare, ramping, thresholds } from './lib/journeys.js';

export { browse, search, product, cart, checkout, sellerBulk, sellerOrders } from './lib/journeys.js';

const config = configure(open('./journeys.json'));
const RATE = Number(__ENV.RATE || 100);
const RAMP = __ENV.RAMP || '1m';
const DURATION = __ENV.DURATION || '5m';
const BULK_PER_MINUTE = Number(__ENV.BULK_PER_MINUTE || config.mix.bulkFilesPerMinute);

const rates = Object.fromEntries(Object.entries(config.mix.shares).map(([journey, share]) => [journey, RATE * share]));
rates['seller-bulk'] = BULK_PER_MINUTE / 60;
const journeys = Object.keys(rates);
// The sellers' work does not follow the visitors' ramp: it runs at its rate from the start.
const startRate = (j) => (config.mix.background.includes(j) ? rates[j] : 0);

export const options = {
  setupTimeout: __ENV.SETUP_TIMEOUT || '30m',
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max', 'count'],
  scenarios: Object.fromEntries(journeys.map((j) => [j, ramping(j, rates[j], RAMP, DURATION, startRate(j))])),
  thresholds: thresholds(journeys),
};

export function setup() {
  return prepare(journeys, {
    checkout: iterationsOf(rates.checkout, RAMP, DURATION, startRate('checkout')),
    'seller-orders': iterationsOf(rates['seller-orders'], RAMP, DURATION, startRate('seller-orders')),
  });
}
