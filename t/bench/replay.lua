-- replay.lua: sends the requests listed in BENCH_REQUESTS, round robin, each
-- thread starting at its own place. A line is METHOD<TAB>PATH[<TAB>BODY].
-- BENCH_QUOTA, when set, stops after that many requests in all.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = common.setup
done = common.done

local reqs = {}
local k = 0

function init(args)
    local headers = common.headers()
    for _, line in ipairs(common.lines(common.env("BENCH_REQUESTS"))) do
        local method, path, body = line:match("^(%S+)\t([^\t]+)\t?(.*)$")
        if body == "" then
            body = nil
        end
        table.insert(reqs, wrk.format(method, path, headers, body))
    end
    k = tid
    response = common.quota_response()
end

function request()
    local r = reqs[(k % #reqs) + 1]
    k = k + 1
    return r
end
