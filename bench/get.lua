-- wrk: gets by id, spread over the problems that exist.
local count = tonumber(os.getenv("QL_COUNT"))
wrk.headers["Authorization"] = "Bearer " .. os.getenv("QL_TOKEN")
request = function()
  return wrk.format("GET", "/api/v1/issues/" .. math.random(1, count))
end
