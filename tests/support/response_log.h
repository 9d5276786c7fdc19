#pragma once

// Every response a test receives through HttpClient::request is checked
// against the API contract, web/openapi.yaml. While a test program runs, the
// responses are appended to a log of this process's own (one JSON line each,
// in the temp directory, the pid in its name); when its tests are done, a
// global test environment runs tests/support/validate_responses.py over the
// log with /usr/bin/python3, fails the run with the validator's report if any
// response's path, method, status, media type or JSON body is not what the
// document says, and removes the log.
//
// Set QINGLING_VALIDATE_RESPONSES=0 to record and validate nothing.

#include <string>

namespace qingling::testing {

// Appends one response to the log; does nothing when nothing is recorded
// (before the environment is set up, after it is torn down, or when turned
// off). Only JSON bodies are kept. Safe to call from any thread.
void log_response(const std::string& method, const std::string& target, unsigned status,
                  const std::string& content_type, const std::string& body);

// The validator's verdict on a log: its exit status (0 when every response is
// described) and what it printed.
struct Verdict {
  int exit_status = 0;
  std::string report;
};
Verdict validate_response_log(const std::string& log_path);

}  // namespace qingling::testing
