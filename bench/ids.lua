-- wrk: shared by the scripts below. Picks ids from the file QL_IDS (one a
-- line), or 1..QL_COUNT, at random.
local M = {}
function M.load()
  local ids = {}
  local file = os.getenv("QL_IDS")
  if file then
    for line in io.lines(file) do ids[#ids + 1] = line end
  end
  local count = tonumber(os.getenv("QL_COUNT") or "0")
  return function()
    if #ids > 0 then return ids[math.random(1, #ids)] end
    return tostring(math.random(1, count))
  end
end
return M
