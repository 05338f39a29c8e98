-- wrk script: every request carries a different sticky key, so the plugins see fresh keys, not one cached request.
counter = 0
request = function()
  counter = counter + 1
  wrk.headers["x-cart-id"] = "cart-" .. (counter % 50000)
  return wrk.format(nil, "/api/orders/" .. (counter % 1000))
end
