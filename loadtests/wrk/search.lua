-- (c) A 20-result search with facets: GET /api/v1/products?q={term}&limit=20, terms taken from the seeded titles and brands.
package.path = (os.getenv("LOADTEST_WRK") or "loadtests/wrk") .. "/?.lua;" .. package.path
local common = require("common")
local terms

setup = common.setup
function init(args)
  common.seed()
  terms = common.lines("search_terms.txt")
end

function request()
  return wrk.format("GET", "/api/v1/products?q=" .. common.urlencode(common.pick(terms)) .. "&limit=20")
end

done = common.done("search")
