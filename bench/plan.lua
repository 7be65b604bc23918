-- wrk script of `make bench-serve`: POST the planning body in $BODY_FILE to the URL given,
-- stop each thread after $LIMIT answers when set, and print one JSON line of results.
local body_file = os.getenv("BODY_FILE")
local limit = tonumber(os.getenv("LIMIT") or "0")
local file = assert(io.open(body_file, "r"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local answered = 0
local bad = 0

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then bad = bad + 1 end
  if limit > 0 and answered >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"perSecond":%.2f,"p50ms":%.2f,"p99ms":%.2f,"maxms":%.2f,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
