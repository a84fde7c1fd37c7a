-- Shared by the wrk scripts: reads the id/term files that run.sh exports from the database, gives each wrk
-- thread its own random stream, and prints one machine-readable RESULT line that run.sh collects.
local common = {}

local data_dir = os.getenv("LOADTEST_DATA") or "loadtests/data"

function common.lines(name)
  local items = {}
  local file = assert(io.open(data_dir .. "/" .. name, "r"), "missing " .. data_dir .. "/" .. name .. " (run loadtests/run.sh, which exports it)")
  for line in file:lines() do
    if line ~= "" then items[#items + 1] = line end
  end
  file:close()
  assert(#items > 0, data_dir .. "/" .. name .. " is empty")
  return items
end

function common.pick(items)
  return items[math.random(#items)]
end

function common.urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local counter = 0
function common.setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
end

function common.seed()
  math.randomseed(os.time() * 1000 + (thread_number or 0))
end

function common.done(name)
  return function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
    io.write(string.format(
      "RESULT scenario=%s requests=%d rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
      name, summary.requests, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      errors, summary.errors.status))
  end
end

return common
