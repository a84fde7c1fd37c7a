// k6 load test for a real deployment: product detail, category browse (first and deep pages) and search with
// facets, each as its own scenario with the latency targets as thresholds.
//
//   k6 run -e BASE_URL=https://api.example.com -e DATA=../data loadtests/k6/storefront.js
//
// DATA is a directory with the files loadtests/run.sh exports from the catalog database: product_ids.txt,
// category_ids.txt, search_terms.txt (one value per line). Rates per scenario: -e DETAIL_RATE=400 etc.
import http from 'k6/http';
import { check } from 'k6';
import { SharedArray } from 'k6/data';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:5080';
const DATA = __ENV.DATA || '../data';
const DURATION = __ENV.DURATION || '2m';
const DEEP_PAGES = Number(__ENV.DEEP_PAGES || 10);

const lines = (name) => new SharedArray(name, () => open(`${DATA}/${name}`).split('\n').map((l) => l.trim()).filter((l) => l.length > 0));
const productIds = lines('product_ids.txt');
const categoryIds = lines('category_ids.txt');
const searchTerms = lines('search_terms.txt');
const pick = (items) => items[Math.floor(Math.random() * items.length)];

const rate = (name, fallback) => Number(__ENV[name] || fallback);
const constantRate = (exec, perSecond) => ({
  executor: 'constant-arrival-rate',
  exec,
  rate: perSecond,
  timeUnit: '1s',
  duration: DURATION,
  preAllocatedVUs: Math.max(10, Math.ceil(perSecond / 10)),
  maxVUs: Math.max(50, perSecond),
});

export const options = {
  scenarios: {
    detail: constantRate('productDetail', rate('DETAIL_RATE', 200)),
    browse_first: constantRate('browseFirstPage', rate('BROWSE_RATE', 100)),
    browse_deep: { ...constantRate('browseDeepPages', rate('DEEP_RATE', 10)), maxVUs: 100 },
    search: constantRate('searchWithFacets', rate('SEARCH_RATE', 100)),
  },
  thresholds: {
    // Targets: detail p95 < 5 ms, browse p95 < 30 ms, search p95 < 50 ms; and no failures.
    'http_req_duration{scenario:detail}': ['p(95)<5'],
    'http_req_duration{scenario:browse_first}': ['p(95)<30'],
    'http_req_duration{scenario:browse_deep}': ['p(95)<30'],
    'http_req_duration{scenario:search}': ['p(95)<50'],
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
  },
};

const listing = (query) => http.get(`${BASE_URL}/api/v1/products?${query}`, { tags: { name: query.startsWith('q=') ? 'search' : 'browse' } });

export function productDetail() {
  const response = http.get(`${BASE_URL}/api/v1/products/${pick(productIds)}`, { tags: { name: 'product' } });
  check(response, {
    'detail is 200': (r) => r.status === 200,
    'detail has SKUs': (r) => Array.isArray(r.json('skus')),
  });
}

export function browseFirstPage() {
  const response = listing(`category=${pick(categoryIds)}&sort=popularity&limit=20`);
  check(response, {
    'browse is 200': (r) => r.status === 200,
    'browse has at most 20 items': (r) => r.json('items').length <= 20,
  });
}

// One iteration walks a category from the first page through DEEP_PAGES pages by nextCursor (a VU is sequential, so
// each cursor belongs to its own walk). Requests are named browse and browse-deep, so the summary shows them apart.
export function browseDeepPages() {
  const category = pick(categoryIds);
  let response = listing(`category=${category}&sort=popularity&limit=20`);
  for (let page = 2; page <= DEEP_PAGES && response.status === 200; page++) {
    const cursor = response.json('nextCursor');
    if (!cursor) {
      break;
    }
    response = http.get(
      `${BASE_URL}/api/v1/products?category=${category}&sort=popularity&limit=20&cursor=${encodeURIComponent(cursor)}`,
      { tags: { name: 'browse-deep' } });
    check(response, { 'deep page is 200': (r) => r.status === 200 });
  }
}

export function searchWithFacets() {
  const response = listing(`q=${encodeURIComponent(pick(searchTerms))}&limit=20`);
  check(response, {
    'search is 200': (r) => r.status === 200,
    'search has facets': (r) => r.json('facets') !== null,
  });
}
