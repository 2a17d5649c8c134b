-- template.lua: requests made from a template, each with its own number N.
--   BENCH_METHOD, BENCH_PATH    the request line; @N@ in the path is N
--   BENCH_BODIES                a file of bodies, one per line; request g
--                               takes body g mod (their count), each @N@
--                               replaced
--   BENCH_BASE, BENCH_LIMIT     N = BASE + (g mod LIMIT), g counting the
--                               requests of all threads (0, 1, 2, ...)
--   BENCH_THREADS               wrk's -t
-- Start-test makes new artefacts or executions with N in a version or a
-- ci_link; result ingestion posts to execution BASE + g of a pool made for it.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = common.setup
done = common.done

local method, path, bodies, headers
local base, limit, nthreads
local k = 0

function init(args)
    method = common.env("BENCH_METHOD", "GET")
    path = common.env("BENCH_PATH", "/")
    bodies = {}
    local file = common.env("BENCH_BODIES")
    if file then
        for _, b in ipairs(common.lines(file)) do
            -- split at each @N@ once, so that a request costs a concatenation
            local parts, from = {}, 1
            while true do
                local s, e = b:find("@N@", from, true)
                if not s then
                    break
                end
                table.insert(parts, b:sub(from, s - 1))
                from = e + 1
            end
            table.insert(parts, b:sub(from))
            table.insert(bodies, parts)
        end
    end
    headers = common.headers()
    base = tonumber(common.env("BENCH_BASE", "0"))
    limit = tonumber(common.env("BENCH_LIMIT", "0"))
    nthreads = tonumber(common.env("BENCH_THREADS", "1"))
    response = common.quota_response()
end

function request()
    local g = tid + nthreads * k
    k = k + 1
    local n = base + ((limit > 0) and (g % limit) or g)
    local body = nil
    if #bodies > 0 then
        local parts = bodies[(g % #bodies) + 1]
        body = (#parts == 1) and parts[1] or table.concat(parts, tostring(n))
    end
    return wrk.format(method, (path:gsub("@N@", tostring(n))), headers, body)
end
