// What the k6 scripts share for their setup() and their checkouts (checkout.js, journeys.js, mix.js): the API's address,
// bench sellers opened through the public API as any new seller would be, their offers on light SKUs of the catalog,
// quoted guest carts, and the checkout request itself. loadtests/lib/marketplace.py is the Python side of the same.
import http from 'k6/http';
import { fail, sleep } from 'k6';

export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:5080').replace(/\/$/, '');
export const API = `${BASE_URL}/api/v1`;
export const PASSWORD = 'Bench-seller-pass-1';
export const ADDRESS = { name: 'Bench Buyer', country: 'DE', postalCode: '10115', city: 'Berlin', lines: ['Invalidenstrasse 1'] };
export const JSON_HEADERS = { 'Content-Type': 'application/json' };
const BATCH = Number(__ENV.SETUP_BATCH || 50);
// Light and small enough for every delivery service of the demo rules, so each seller of a cart gets a delivery option.
const LIGHT_GRAMS = 2000;
const LIGHT_MM = 500;

export const expect = (response, status, what) => {
  if (response.status !== status) fail(`${what}: ${response.status} ${response.body}`);
  return response;
};
export const post = (path, body, headers = {}) => http.post(`${API}${path}`, JSON.stringify(body), { headers: { ...JSON_HEADERS, ...headers }, tags: { name: 'setup' } });
export const bearer = (token) => ({ Authorization: `Bearer ${token}` });
export const pick = (items) => items[Math.floor(Math.random() * items.length)];

export const seconds = (duration) => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration);
  if (!match) throw new Error(`duration ${duration}: use 30s, 2m…`);
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2]];
};

function signIn(email) {
  return expect(post('/auth/token', { email, password: PASSWORD }), 200, 'sign in').json('accessToken');
}

// A fresh account opens the sellers and signs in again, so that its token carries the memberships.
export function openSellers(count, label = 'Bench') {
  const email = `${label.toLowerCase()}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@bench.invalid`;
  expect(post('/customers', { email, password: PASSWORD }), 202, 'register the bench account');
  const customer = signIn(email);
  const sellers = [];
  for (let n = 1; n <= count; n++) {
    const created = expect(post('/sellers', { name: `${label} seller ${n} ${email}`, legalName: `${label} Seller ${n} GmbH`, countryCode: 'DE' }, bearer(customer)), 201, 'open a seller');
    sellers.push(created.json('sellerId'));
  }
  return { token: signIn(email), sellers };
}

// SKUs in stock light and small enough for every delivery service of the rules, as { id, code, productId }. Listed
// newest first: the default order (popularity) loses pages once viewed products' scores pass decimal's range, which
// the cursor carries them in (2^96, reached 96 half-lives after the popularity epoch: 2026-11-04).
export function lightSkus(count) {
  const skus = [];
  let cursor = null;
  do {
    const page = expect(http.get(`${API}/products?inStock=true&sort=newest&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { tags: { name: 'setup' } }), 200, 'list products').json();
    const details = http.batch(page.items.map((p) => ['GET', `${API}/products/${p.id}`, null, { tags: { name: 'setup' } }]));
    for (const detail of details) {
      for (const sku of detail.json('skus') || []) {
        if (sku.weightGrams <= LIGHT_GRAMS && Math.max(sku.lengthMm, sku.widthMm, sku.heightMm) <= LIGHT_MM) skus.push({ id: sku.id, code: sku.code, productId: detail.json('id') });
      }
    }
    cursor = page.nextCursor;
  } while (skus.length < count && cursor);
  if (skus.length < count) fail(`only ${skus.length} light SKUs in stock; lower OFFERS_PER_SELLER`);
  return skus.slice(0, count);
}

// The first offer of a new seller waits until the Catalog has heard of the seller.
export function putUpOffer(owner, sellerId, skuId, price, stock) {
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
export function makeCarts(count, linesOf) {
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

export const pickDistinct = (items, n) => {
  const chosen = new Set();
  while (chosen.size < n) chosen.add(items[Math.floor(Math.random() * items.length)]);
  return [...chosen];
};

// Checks out a cart made by makeCarts; 503 (busy, with Retry-After) is an expected answer under load, not a failure.
export function placeOrder(cart, key, tags = { name: 'checkout' }) {
  const [token, quoteId, choices, total] = cart.split('|');
  const body = {
    email: 'buyer@bench.invalid',
    shippingAddress: ADDRESS,
    delivery: choices.split(',').map((c) => { const [sellerId, optionId] = c.split(':'); return { sellerId, quoteId, optionId }; }),
    paymentMethodId: 'pm_card_visa',
    expectedTotal: Number(total),
  };
  return http.post(`${API}/checkout`, JSON.stringify(body),
    { headers: { ...JSON_HEADERS, 'X-Cart-Token': token, 'Idempotency-Key': key }, tags, responseCallback: http.expectedStatuses(201, 503) });
}
