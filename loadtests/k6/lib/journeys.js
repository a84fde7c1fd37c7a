// The journeys of loadtests/k6/journeys.js and mix.js: what one visitor or seller does per iteration, what setup()
// prepares for it through the API, and the thresholds of loadtests/k6/journeys.json. loadtests/journeys.py is the same in
// Python; keep the two alike (requests, their names, shares and defaults).
import http from 'k6/http';
import exec from 'k6/execution';
import { check, fail, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { API, ADDRESS, JSON_HEADERS, expect, lightSkus, makeCarts, openSellers, pick, pickDistinct, placeOrder, putUpOffer, seconds } from './bench.js';

export const JOURNEYS = ['browse', 'search', 'product', 'cart', 'checkout', 'seller-bulk', 'seller-orders'];
export const EXEC = {
  browse: 'browse', search: 'search', product: 'product', cart: 'cart', checkout: 'checkout', 'seller-bulk': 'sellerBulk', 'seller-orders': 'sellerOrders',
};

// journeys.json (its text, opened by the entry script: k6 resolves open() against the entry's directory) gives the
// thresholds, the mix's shares and the knobs' defaults; each knob has an environment variable.
let config = null;
const knob = (env, key) => Number(__ENV[env] || config.defaults[key]);
export function configure(journeysJson) {
  config = JSON.parse(journeysJson);
  return config;
}
const VISIBLE_TIMEOUT_S = 10;
const MAX_CATEGORIES = 200;
const CHECKOUT_LINES = 5; // as checkout.js: 5 lines from 3 sellers
const SELLERS = 3;
const SETUP = { tags: { name: 'setup' } };

const placed = new Trend('checkout_placed_duration', true);
const refused = new Rate('checkout_refused');
const visible = new Trend('bulk_visible_duration', true);
const rejectedRows = new Counter('bulk_rejected_rows');
const unseen = new Counter('bulk_unseen');

// How long one iteration may take, for the VUs to allocate: rate × this × 4.
const ITERATION_SECONDS = { browse: 0.1, search: 0.2, product: 0.05, cart: 0.5, checkout: 1, 'seller-bulk': 12, 'seller-orders': 0.5 };

// A ramping-arrival-rate scenario of one journey: from startPerSecond (0) to perSecond over ramp, then held for
// duration. Rates go per minute, so that the sellers' background (a bulk file every 10 s) is a whole number too.
export function ramping(journey, perSecond, ramp, duration, startPerSecond = 0) {
  const maxVUs = Number(__ENV.MAX_VUS || Math.max(10, Math.ceil(perSecond * ITERATION_SECONDS[journey] * 4)));
  const perMinute = Math.max(1, Math.round(perSecond * 60));
  return {
    executor: 'ramping-arrival-rate',
    exec: EXEC[journey],
    startRate: Math.round(startPerSecond * 60),
    timeUnit: '1m',
    stages: [{ duration: ramp, target: perMinute }, { duration, target: perMinute }],
    preAllocatedVUs: Math.max(2, Math.ceil(maxVUs / 4)),
    maxVUs,
  };
}

// The iterations such a scenario can start, and a few spare: what setup() prepares for the journeys that consume what
// it made (checkout: carts; seller-orders: placed orders).
export const iterationsOf = (perSecond, ramp, duration, startPerSecond = 0) =>
  Math.ceil(((startPerSecond + perSecond) / 2 * seconds(ramp) + perSecond * seconds(duration)) * 1.02) + 10;

// k6 thresholds of journeys.json: each journey's targets and its failure threshold on its own requests and checks (the
// scenario tag is the journey's name).
export function thresholds(journeys) {
  const result = {};
  for (const journey of journeys) {
    for (const t of config.thresholds[journey]) {
      const metric = t.metric.includes('{') ? t.metric.replace('}', `,scenario:${journey}}`) : `${t.metric}{scenario:${journey}}`;
      result[metric] = [`${t.stat}<${t.below}`];
    }
    result[`http_req_failed{scenario:${journey}}`] = [`rate<${config.failures.below}`];
    result[`checks{scenario:${journey}}`] = [`rate>${1 - config.failures.below}`];
  }
  return result;
}

// Lines of a cart over the bench sellers' offers: line l from seller l mod sellers, no offer twice.
const cartOffers = (offers, lines) => {
  const perSeller = offers.map((_, s) => Array.from({ length: lines }, (__, line) => line % offers.length).filter((x) => x === s).length);
  return offers.flatMap((sellerOffers, s) => pickDistinct(sellerOffers, perSeller[s]));
};

// What setup() prepares through the API for the given journeys. counts: prepared items per journey that consumes them
// (checkout: carts; seller-orders: placed orders).
export function prepare(journeys, counts) {
  const wants = (j) => journeys.includes(j);
  const data = {};
  if (wants('browse') || wants('search') || wants('product')) Object.assign(data, catalogSample());
  if (wants('cart') || wants('checkout')) {
    const owner = openSellers(SELLERS);
    const skus = lightSkus(knob('OFFERS_PER_SELLER', 'offersPerSeller'));
    data.offers = owner.sellers.map((sellerId, n) => skus.map((sku, i) => putUpOffer(owner, sellerId, sku.id, 5 + n + (i % 90) * 0.25, 1000000)));
  }
  if (wants('checkout')) data.carts = makeCarts(counts.checkout, () => cartOffers(data.offers, CHECKOUT_LINES));
  if (wants('seller-bulk')) data.bulk = prepareBulk();
  if (wants('seller-orders')) data.orders = prepareOrders(counts['seller-orders']);
  return data;
}

// Categories with listed products, products of their first pages, and search words: brands, lines and product kinds
// taken from those titles ("Nordwave Air 8 Commuter Bike Light": nordwave, air, light, nordwave light).
function catalogSample() {
  const categories = expect(http.get(`${API}/categories`, SETUP), 200, 'list categories').json().map((c) => c.id).slice(0, MAX_CATEGORIES);
  const pages = http.batch(categories.map((id) => ['GET', `${API}/products?category=${id}&sort=popularity&limit=20`, null, SETUP]));
  const listed = [];
  const products = new Set();
  const terms = new Set();
  pages.forEach((page, i) => {
    const items = expect(page, 200, 'browse a category').json('items');
    if (items.length > 0) listed.push(categories[i]);
    for (const item of items) {
      products.add(item.id);
      const words = item.title.toLowerCase().split(/\s+/).filter((w) => /^[a-z]{3,}$/.test(w));
      if (item.brandName) terms.add(item.brandName.toLowerCase());
      if (words.length > 1) terms.add(words[1]);
      if (words.length > 0) terms.add(words[words.length - 1]);
      if (item.brandName && words.length > 0) terms.add(`${item.brandName.toLowerCase()} ${words[words.length - 1]}`);
    }
  });
  if (listed.length === 0) fail('no category lists a product: seed the catalog');
  return { categories: listed, products: [...products], terms: [...terms] };
}

// One letter wrong in the longest word: two neighbours swapped (when they differ), one left out, or one doubled.
export function typo(term) {
  const words = term.split(' ');
  const at = words.reduce((best, w, i) => (w.length > words[best].length ? i : best), 0);
  const word = words[at];
  if (word.length < 4) return term;
  const i = 1 + Math.floor(Math.random() * (word.length - 2));
  const kind = Math.floor(Math.random() * 3);
  let wrong;
  if (kind === 0 && word[i] !== word[i + 1]) wrong = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  else if (kind === 1) wrong = word.slice(0, i) + word.slice(i + 1);
  else wrong = word.slice(0, i) + word[i] + word.slice(i);
  words[at] = wrong;
  return words.join(' ');
}

const listing = (query, name) => http.get(`${API}/products?${query}`, { tags: { name } });

// A visitor opens a category's first page; some go on to the next one.
export function browse(data) {
  const category = pick(data.categories);
  const first = listing(`category=${category}&sort=popularity&limit=20`, 'browse');
  check(first, {
    'browse is 200': (r) => r.status === 200,
    'browse has facets': (r) => r.status === 200 && r.json('facets') !== null,
  });
  const cursor = first.status === 200 ? first.json('nextCursor') : null;
  if (cursor && Math.random() < knob('DEEP_SHARE', 'deepShare')) {
    const next = listing(`category=${category}&sort=popularity&limit=20&cursor=${encodeURIComponent(cursor)}`, 'browse');
    // nextCursor is null on the last page (openapi.json), so the page it leads to has products.
    check(next, {
      'next page is 200': (r) => r.status === 200,
      'next page has products': (r) => r.status === 200 && r.json('items').length > 0,
    });
  }
}

// A visitor searches (some with a typo); some narrow the answer by a brand or price facet it offered.
export function search(data) {
  const term = Math.random() < knob('TYPO_SHARE', 'typoShare') ? typo(pick(data.terms)) : pick(data.terms);
  const q = `q=${encodeURIComponent(term)}&limit=20`;
  const first = listing(q, 'search');
  check(first, {
    'search is 200': (r) => r.status === 200,
    'search has facets': (r) => r.status === 200 && r.json('facets') !== null,
  });
  if (first.status !== 200 || Math.random() >= knob('FACET_SHARE', 'facetShare')) return;
  const facets = first.json('facets') || {};
  let filter = null;
  if ((facets.brands || []).length > 0) filter = `brand=${encodeURIComponent(pick(facets.brands).value)}`;
  else if ((facets.prices || []).length > 0) {
    const bucket = pick(facets.prices);
    filter = `minPrice=${bucket.min}&maxPrice=${bucket.max}`;
  }
  if (filter) check(listing(`${q}&${filter}`, 'search'), { 'narrowed search is 200': (r) => r.status === 200 });
}

export function product(data) {
  const response = http.get(`${API}/products/${pick(data.products)}`, { tags: { name: 'product' } });
  check(response, {
    'product is 200': (r) => r.status === 200,
    'product has SKUs': (r) => r.status === 200 && Array.isArray(r.json('skus')),
  });
}

// A guest starts a cart, adds CART_LINES (3) offers of the bench sellers, changes a quantity, reads the priced cart and
// asks for delivery options to Berlin.
export function cart(data) {
  const created = http.post(`${API}/cart/guest`, null, { tags: { name: 'cart-create' } });
  if (!check(created, { 'cart created': (r) => r.status === 201 })) return;
  const headers = { ...JSON_HEADERS, 'X-Cart-Token': created.json('token') };
  const offers = cartOffers(data.offers, knob('CART_LINES', 'cartLines'));
  for (const offerId of offers) {
    const added = http.post(`${API}/cart/lines`, JSON.stringify({ offerId, quantity: 1 }), { headers, tags: { name: 'cart-add' } });
    check(added, { 'line added': (r) => r.status === 200 });
  }
  const updated = http.put(`${API}/cart/lines/${offers[0]}`, JSON.stringify({ quantity: 2 }), { headers, tags: { name: 'cart-update' } });
  check(updated, { 'quantity changed': (r) => r.status === 200 });
  const read = http.get(`${API}/cart`, { headers, tags: { name: 'cart-read' } });
  check(read, { 'cart read with every line': (r) => r.status === 200 && r.json('lineCount') === offers.length });
  const quote = http.post(`${API}/checkout/quote`, JSON.stringify({ shippingAddress: ADDRESS }), { headers, tags: { name: 'cart-quote' } });
  check(quote, { 'quoted with an option per seller': (r) => r.status === 200 && r.json('sellers').every((s) => s.cheapestOptionId) });
}

const newKey = () => `${exec.vu.idInTest}-${exec.scenario.iterationInTest}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;

// One prepared, quoted cart checked out with a fresh Idempotency-Key (as checkout.js's `checkout` scenario).
export function checkout(data) {
  const prepared = data.carts[exec.scenario.iterationInTest];
  if (!prepared) fail('ran out of prepared carts');
  const response = placeOrder(prepared, newKey());
  refused.add(response.status !== 201 && response.status !== 503);
  if (response.status === 201) placed.add(response.timings.duration);
  check(response, { 'checkout placed or told to retry': (r) => r.status === 201 || r.status === 503 });
}

// Bench sellers with an API key each (a seller's systems send files with a key; a token would expire within the run)
// and offers on BULK_ROWS light SKUs, put up by a first file.
function prepareBulk() {
  const owner = openSellers(knob('BULK_SELLERS', 'bulkSellers'), 'Bulk');
  const skus = lightSkus(knob('BULK_ROWS', 'bulkRows'));
  const keys = owner.sellers.map((sellerId) => apiKey(owner, sellerId));
  owner.sellers.forEach((sellerId, s) => {
    putUpOffer(owner, sellerId, skus[0].id, 50, 10); // waits until the Catalog knows the seller
    const first = sendBulk(sellerId, keys[s], skus, 0, 'setup');
    expect(first, 200, 'put up the bulk offers');
  });
  return { sellers: owner.sellers, keys, skus: skus.map((s) => `${s.code}|${s.id}|${s.productId}`) };
}

function apiKey(owner, sellerId) {
  const expiresAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
  return expect(http.post(`${API}/sellers/${sellerId}/api-keys`, JSON.stringify({ name: 'bench journeys', expiresAt }),
    { headers: { ...JSON_HEADERS, Authorization: `Bearer ${owner.token}` }, ...SETUP }), 201, 'create an API key').json('key');
}

// File n's price of row i: different from file n − 1's on every row, so a change is always visible.
export const bulkPrice = (n, i) => Math.round((20 + (i % 50) + ((n * 7) % 100) / 100 + 0.01) * 100) / 100;

function sendBulk(sellerId, key, skus, n, name) {
  const rows = skus.map((s, i) => JSON.stringify({ sku: typeof s === 'string' ? s.split('|')[0] : s.code, price: bulkPrice(n, i), currency: 'EUR', stock: 10 + ((n + i) % 40) }));
  return http.post(`${API}/sellers/${sellerId}/offers:bulk?report=rejected`, rows.join('\n'),
    { headers: { 'Content-Type': 'application/x-ndjson', 'X-Api-Key': key }, tags: { name }, timeout: '300s' });
}

// A seller's system sends a file of new prices and stock for all its BULK_ROWS offers; the first row's product page, read
// just before, is then read until it shows the new price (bulk_visible_duration, from the file's answer).
export function sellerBulk(data) {
  const n = exec.scenario.iterationInTest + 1;
  const s = n % data.bulk.sellers.length;
  const sellerId = data.bulk.sellers[s];
  const [, skuId, productId] = data.bulk.skus[0].split('|');
  // A shopper's view of the page first, so the product's cached page holds the old price until the change reaches it.
  http.get(`${API}/products/${productId}`, { tags: { name: 'seller-bulk-visible' } });
  const response = sendBulk(sellerId, data.bulk.keys[s], data.bulk.skus, n, 'seller-bulk');
  const applied = check(response, { 'bulk file applied': (r) => r.status === 200 });
  if (!applied) return;
  rejectedRows.add(response.json('totals.rejected'));
  const answered = Date.now();
  const price = bulkPrice(n, 0);
  while (Date.now() - answered < VISIBLE_TIMEOUT_S * 1000) {
    const page = http.get(`${API}/products/${productId}`, { tags: { name: 'seller-bulk-visible' } });
    const offer = page.status === 200 ? (page.json('offers') || []).find((o) => o.sellerId === sellerId && o.skuId === skuId) : null;
    if (offer && Math.abs(offer.price - price) < 0.001) {
      visible.add(Date.now() - answered);
      return;
    }
    sleep(0.1);
  }
  unseen.add(1);
  check(null, { 'new price shown within 10 s': () => false });
}

// Placed orders for the seller journey: one seller with an API key and an offer, count one-line carts checked out, each
// order's ETag read as the seller would before accepting it; as "orderId|etag".
function prepareOrders(count) {
  const owner = openSellers(1, 'Orders');
  const sellerId = owner.sellers[0];
  const sku = lightSkus(1)[0];
  const offer = putUpOffer(owner, sellerId, sku.id, 12.5, 1000000);
  const key = apiKey(owner, sellerId);
  const list = makeCarts(count, () => [offer]).map((prepared, i) => {
    let r = placeOrder(prepared, `orders-setup-${i}-${Date.now()}`, { name: 'setup' });
    for (let attempt = 0; r.status === 503 && attempt < 30; attempt++) {
      sleep(Number(r.headers['Retry-After'] || 1));
      r = placeOrder(prepared, `orders-setup-${i}-${Date.now()}`, { name: 'setup' });
    }
    const orderId = expect(r, 201, 'place an order for the seller').json('orders.0.id');
    return `${orderId}|${placedETag(sellerId, key, orderId)}`;
  });
  return { sellerId, key, list };
}

// The order's ETag once its payment is authorised (the sandbox does so at once; a moment's wait covers the event).
function placedETag(sellerId, key, orderId) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const r = http.get(`${API}/sellers/${sellerId}/orders/${orderId}`, { headers: { 'X-Api-Key': key }, ...SETUP });
    if (r.status === 200 && r.json('status') === 'placed') return r.headers.Etag || r.headers.ETag;
    sleep(0.1);
  }
  return fail(`order ${orderId} never became placed`);
}

// A seller opens its list of placed orders, accepts one (If-Match its ETag) and ships it (If-Match the accept's ETag).
export function sellerOrders(data) {
  const entry = data.orders.list[exec.scenario.iterationInTest];
  if (!entry) fail('ran out of prepared orders');
  const [orderId, etag] = entry.split('|');
  const { sellerId, key } = data.orders;
  const list = http.get(`${API}/sellers/${sellerId}/orders?status=placed&limit=20`, { headers: { 'X-Api-Key': key }, tags: { name: 'seller-orders-list' } });
  check(list, { 'order list is 200': (r) => r.status === 200 });
  const accepted = http.post(`${API}/sellers/${sellerId}/orders/${orderId}/accept`, null,
    { headers: { 'X-Api-Key': key, 'If-Match': etag }, tags: { name: 'seller-accept' } });
  if (!check(accepted, { 'order accepted': (r) => r.status === 200 && r.json('status') === 'accepted' })) return;
  const shipped = http.post(`${API}/sellers/${sellerId}/orders/${orderId}/ship`, JSON.stringify({ carrier: 'DHL', trackingNumber: `BENCH${orderId.slice(0, 8).toUpperCase()}` }),
    { headers: { ...JSON_HEADERS, 'X-Api-Key': key, 'If-Match': accepted.headers.Etag || accepted.headers.ETag }, tags: { name: 'seller-ship' } });
  check(shipped, { 'order shipped': (r) => r.status === 200 && r.json('status') === 'shipped' });
}
