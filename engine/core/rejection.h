#pragma once

#include <string>
#include <vector>

#include <boost/system/result.hpp>

namespace qingling {

struct FieldError {
  std::string field;    // JSON-pointer-like name: "category", "fields.deadline"
  std::string message;  // what was expected, in words a user can act on
};

// An expected "no": bad input, not allowed, not found, stale. Values, not
// exceptions; `web` maps each kind to one HTTP status in one place.
struct Rejection {
  enum class Kind {
    Invalid,
    Unauthenticated,
    Forbidden,
    NotFound,
    NotAllowed,
    StaleVersion,
    TooLarge,         // over a size limit (413)
    UnsupportedType,  // a file of a type the rules do not take (415)
  };
  Kind kind;
  std::string detail;                // one sentence a user can act on
  std::vector<FieldError> fields{};  // for Invalid: {field, message}

  static Rejection invalid(std::string detail, std::vector<FieldError> fields = {}) {
    return {Kind::Invalid, std::move(detail), std::move(fields)};
  }
  static Rejection invalid_field(std::string field, std::string message) {
    std::string detail = "Invalid value for '" + field + "'.";
    return {Kind::Invalid, std::move(detail), {{std::move(field), std::move(message)}}};
  }
  static Rejection forbidden(std::string detail) { return {Kind::Forbidden, std::move(detail)}; }
  static Rejection not_found(std::string detail) { return {Kind::NotFound, std::move(detail)}; }
  static Rejection not_allowed(std::string detail) { return {Kind::NotAllowed, std::move(detail)}; }
  static Rejection stale(std::string detail) { return {Kind::StaleVersion, std::move(detail)}; }
  static Rejection too_large(std::string field, std::string message) {
    return {Kind::TooLarge,
            "Over a size limit of the campaign.",
            {{std::move(field), std::move(message)}}};
  }
  static Rejection unsupported_type(std::string field, std::string message) {
    return {Kind::UnsupportedType,
            "A file of a type the campaign does not take.",
            {{std::move(field), std::move(message)}}};
  }
};

// Lets result::value() throw if someone skipped the check: a bug, not a rejection.
[[noreturn]] void throw_exception_from_error(const Rejection& r, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Rejection>;

}  // namespace qingling
