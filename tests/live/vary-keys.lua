-- wrk script for the live-update tests: request i carries cart key cart-<i> and session key session-<i>, cycling
-- through KEY_COUNT keys (tests/live/changes.ts), so sticky's choice can be checked per request under A and B.
counter = 0
request = function()
  local i = counter % 1000
  counter = counter + 1
  wrk.headers["x-cart-id"] = "cart-" .. i
  wrk.headers["x-session-id"] = "session-" .. i
  return wrk.format(nil, "/api/orders/" .. i)
end
