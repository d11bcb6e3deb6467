-- POST /api/v1/petitions with a distinct phone, forwarded address and Idempotency-Key per request.
-- Each thread appends the case number of every 201 answer to RESULTS_DIR/thread-<id>.txt, and
-- counts answers by status, so bench/http_submit.py can hold the database against the answers.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  run_tag = args[1] or "0"
  results_dir = args[2] or "/tmp"
  seq = 0
  ok = 0
  other = 0
  limited = 0
  out = io.open(results_dir .. "/thread-" .. id .. ".txt", "w")
  out:setvbuf("line")
  wrk.method = "POST"
  wrk.path = "/api/v1/petitions"
end

function request()
  seq = seq + 1
  -- run tag (1 digit) + thread (2 digits) + sequence (6 digits): unique within a run.
  local n = string.format("%01d%02d%06d", tonumber(run_tag) % 10, id, seq)
  local phone = "13" .. n
  local ip = string.format("10.%d.%d.%d", id, math.floor(seq / 250) % 250, seq % 250 + 1)
  local body = '{"content_type":"appeal","title":"小区路灯损坏第' .. n .. '号",' ..
    '"division_code":"370687","body":"小区东门路灯一直不亮，晚上出行不安全，请尽快维修。",' ..
    '"address":"某小区东门","petitioner":{"name":"测试","phone":"' .. phone .. '"},' ..
    '"public_consent":false}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = "10." .. id .. ".0.1, " .. ip,
    ["X-Forwarded-Proto"] = "https",
    ["Idempotency-Key"] = "bench-" .. run_tag .. "-" .. n,
  }
  return wrk.format(nil, nil, headers, body)
end

function response(status, headers, body)
  if status == 201 then
    ok = ok + 1
    local number = string.match(body, '"number": *"([^"]+)"')
    out:write((number or "?") .. "\n")
  elseif status == 429 then
    limited = limited + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local s201, s429, sother = 0, 0, 0
  for _, t in ipairs(threads) do
    s201 = s201 + (t:get("ok") or 0)
    s429 = s429 + (t:get("limited") or 0)
    sother = sother + (t:get("other") or 0)
  end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "status_201": %d, "status_429": %d, ' ..
    '"status_other": %d, "errors_connect": %d, "errors_read": %d, "errors_write": %d, ' ..
    '"errors_status": %d, "errors_timeout": %d, "p50_ms": %.1f, "p90_ms": %.1f, ' ..
    '"p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f}\n',
    summary.requests, summary.duration, s201, s429, sother,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
