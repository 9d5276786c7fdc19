-- wrk: durable creates. Each request logs a problem at a county.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("QL_TOKEN")
wrk.body = '{"title":"饮用水水质未按期检测","category":"C","severity":"serious","unit":"cc.c03"}'
