-- (e) A priced cart read: GET /api/v1/cart for random pre-created Redis-backed guest carts (run.sh creates them
-- through the API and exports their tokens). Every read re-prices the cart against the live offers.
package.path = (os.getenv("LOADTEST_WRK") or "loadtests/wrk") .. "/?.lua;" .. package.path
local common = require("common")
local tokens

setup = common.setup
function init(args)
  common.seed()
  tokens = common.lines("cart_tokens.txt")
end

function request()
  return wrk.format("GET", "/api/v1/cart", { ["X-Cart-Token"] = common.pick(tokens) })
end

-- LOADTEST_CART_DELAY_MS paces each connection (wrk waits that long before its next request), for a fixed rate.
local pause = tonumber(os.getenv("LOADTEST_CART_DELAY_MS") or "0")
function delay()
  return pause
end

done = common.done("cart")
