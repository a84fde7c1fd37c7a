-- (a) One product with its variants, offers and prices: GET /api/v1/products/{id} for random seeded products.
package.path = (os.getenv("LOADTEST_WRK") or "loadtests/wrk") .. "/?.lua;" .. package.path
local common = require("common")
local ids

setup = common.setup
function init(args)
  common.seed()
  ids = common.lines("product_ids.txt")
end

function request()
  return wrk.format("GET", "/api/v1/products/" .. common.pick(ids))
end

done = common.done("detail")
