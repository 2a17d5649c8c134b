-- common.lua: what the scenario scripts share (each loads it with dofile).
-- Configuration comes from BENCH_* environment variables set by
-- scripts/bench.py; done() prints one line "BENCH {json}" with the counts and
-- the latency distribution (microseconds) for the harness to read.
local M = {}

function M.env(name, default)
    local v = os.getenv(name)
    if v == nil or v == "" then
        return default
    end
    return v
end

-- setup() and done() share one Lua state: the threads are numbered there.
M.threads = {}

function M.setup(thread)
    thread:set("tid", #M.threads)
    table.insert(M.threads, thread)
end

function M.headers()
    return {
        ["Authorization"] = "Bearer " .. M.env("BENCH_KEY", ""),
        ["Content-Type"] = "application/json",
    }
end

-- Lines of a file, as a table (bodies are JSON, one per line).
function M.lines(path)
    local out = {}
    local f = assert(io.open(path, "r"))
    for line in f:lines() do
        table.insert(out, line)
    end
    f:close()
    return out
end

-- With BENCH_QUOTA (requests in all), each thread stops after its share.
function M.quota_response()
    local total = tonumber(M.env("BENCH_QUOTA", "0"))
    if total <= 0 then
        return nil
    end
    local nthreads = tonumber(M.env("BENCH_THREADS", "1"))
    local share = math.floor(total / nthreads) + ((tid < total % nthreads) and 1 or 0)
    local seen = 0
    return function(status, headers, body)
        seen = seen + 1
        if seen >= share then
            wrk.thread:stop()
        end
    end
end

function M.done(summary, latency, requests)
    local e = summary.errors
    local p = {}
    for _, q in ipairs({50, 75, 90, 99, 99.9}) do
        table.insert(p, string.format('"p%s": %d', tostring(q), latency:percentile(q)))
    end
    io.write(string.format(
        'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, ' ..
        '"read": %d, "write": %d, "status": %d, "timeout": %d}, "latency_us": {%s, ' ..
        '"mean": %.0f, "min": %d, "max": %d}}\n',
        summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
        e.status, e.timeout, table.concat(p, ", "), latency.mean, latency.min, latency.max))
end

return M
