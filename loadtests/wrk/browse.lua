-- (b) A 20-product category page, first page only: GET /api/v1/products?category={id}&sort=popularity&limit=20.
package.path = (os.getenv("LOADTEST_WRK") or "loadtests/wrk") .. "/?.lua;" .. package.path
local common = require("common")
local categories

setup = common.setup
function init(args)
  common.seed()
  categories = common.lines("category_ids.txt")
end

function request()
  return wrk.format("GET", "/api/v1/products?category=" .. common.pick(categories) .. "&sort=popularity&limit=20")
end

done = common.done("browse")
