-- wrk: gets by id, spread over the problems that exist (QL_COUNT) or those
-- listed in QL_IDS.
package.path = "bench/?.lua;" .. package.path
local pick = require("ids").load()
wrk.headers["Authorization"] = "Bearer " .. os.getenv("QL_TOKEN")
request = function()
  return wrk.format("GET", "/api/v1/issues/" .. pick())
end
