-- wrk: durable actions. Each request reports progress (整改进展) on a
-- rectifying problem picked from QL_IDS; If-Match: * takes whatever version
-- it has.
package.path = "bench/?.lua;" .. package.path
local pick = require("ids").load()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["If-Match"] = "*"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("QL_TOKEN")
wrk.body = '{"comment":"已组织入户核实，整改正在推进。"}'
request = function()
  return wrk.format(nil, "/api/v1/issues/" .. pick() .. "/actions/progress")
end
