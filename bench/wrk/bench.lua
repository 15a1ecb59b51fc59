-- One wrk script for every benchmark, configured by the environment (bench/http.py sets it):
--   BENCH_COOKIE  Cookie header (a staff session and the CSRF cookie), optional; several
--                 separated by "|" are used in turn (one session per desk, not one for all)
--   BENCH_CSRF    X-CSRFToken header for POSTs, optional
--   BENCH_METHOD  GET (default) or POST
--   BENCH_BODY    form body of a POST; "{key}" becomes a key no other request uses
--   BENCH_HTMX    "1" sends HX-Request: true (the desk posts its form with htmx)
-- Requests look like they came through the TLS proxy (X-Forwarded-Proto: https), as in production.
-- done() prints one JSON line with the percentiles wrk's own summary lacks (p95).

local method = os.getenv("BENCH_METHOD") or "GET"
local body_template = os.getenv("BENCH_BODY")
local prefix = string.format("%x%x", os.time(), math.random(0, 0xffffff))
local counter = 0
local cookies = {}
for c in string.gmatch(os.getenv("BENCH_COOKIE") or "", "[^|]+") do table.insert(cookies, c) end
thread_id = 0  -- set per thread by setup()
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.headers["X-Forwarded-Proto"] = "https"
  wrk.headers["Origin"] = "https://" .. wrk.host .. ":" .. wrk.port
  if #cookies > 0 then wrk.headers["Cookie"] = cookies[1] end
  local csrf = os.getenv("BENCH_CSRF")
  if csrf and csrf ~= "" then wrk.headers["X-CSRFToken"] = csrf end
  if os.getenv("BENCH_HTMX") == "1" then wrk.headers["HX-Request"] = "true" end
  if method == "POST" then
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

function request()
  counter = counter + 1
  if #cookies > 1 then wrk.headers["Cookie"] = cookies[(counter % #cookies) + 1] end
  if body_template == nil or body_template == "" then
    return wrk.format(method, nil)
  end
  local key = string.format("%s-%d-%d", prefix, thread_id, counter)
  local body = string.gsub(body_template, "{key}", key)
  return wrk.format(method, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "mean_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000))
end
