-- Deep category pages: GET /api/v1/products?category={id}&sort=popularity&limit=20&cursor={c}, where each
-- (category, cursor) pair was collected by run.sh walking nextCursor from the first page (pages 2..DEPTH).
-- wrk cannot tie a response to its request, so walking live from many connections would mix cursors of
-- different categories; pre-collected cursors keep every request a valid deep page.
package.path = (os.getenv("LOADTEST_WRK") or "loadtests/wrk") .. "/?.lua;" .. package.path
local common = require("common")
local pages

setup = common.setup
function init(args)
  common.seed()
  pages = {}
  for _, line in ipairs(common.lines("deep_pages.txt")) do
    local category, cursor = line:match("^(%S+)%s+(%S+)$")
    pages[#pages + 1] = "/api/v1/products?category=" .. category .. "&sort=popularity&limit=20&cursor=" .. common.urlencode(cursor)
  end
end

function request()
  return wrk.format("GET", common.pick(pages))
end

done = common.done("browse-deep")
