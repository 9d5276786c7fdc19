-- wrk: the overdue list of one unit (QL_UNIT), 50 a page, soonest deadline
-- first.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("QL_TOKEN")
wrk.path = "/api/v1/issues?unit=" .. os.getenv("QL_UNIT") .. "&overdue=true&limit=50&sort=deadline"
