#include "engine/store/accounts.h"

#include <algorithm>

#include <boost/json.hpp>

namespace qingling::store {
namespace json = boost::json;
namespace {

bool valid_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

}  // namespace

Result<std::string> add_user(WriteBackend& backend, const User& user,
                             const std::vector<std::string>& known_roles, Instant now) {
  std::vector<FieldError> errors;
  if (!valid_name(user.name)) {
    errors.push_back({"name", "expected 1 to 64 letters, digits, '-', '_' or '.'"});
  } else if (backend.user_by_name(user.name)) {
    errors.push_back({"name", "a user named '" + user.name + "' exists already"});
  }
  const auto units = backend.units();
  if (std::none_of(units.begin(), units.end(),
                   [&](const Unit& u) { return u.code == user.unit; })) {
    errors.push_back({"unit", "no unit has the code '" + user.unit + "'"});
  }
  if (user.roles.empty()) errors.push_back({"role", "give at least one role"});
  for (const std::string& role : user.roles) {
    if (std::find(known_roles.begin(), known_roles.end(), role) == known_roles.end()) {
      std::string list;
      for (const auto& r : known_roles) list += (list.empty() ? "" : ", ") + r;
      errors.push_back({"role", "unknown role '" + role + "'; the rules know: " + list});
    }
  }
  if (!errors.empty()) return Rejection::invalid("The user cannot be added.", std::move(errors));

  const std::int64_t id = backend.insert_user(user, now);
  const std::string token = new_token();
  backend.insert_token(id, token_hash(token), now);
  json::array roles;
  for (const auto& r : user.roles) roles.emplace_back(r);
  backend.append_log("user_added", "system", now, "",
                     json::serialize(json::object{
                         {"name", user.name}, {"unit", user.unit}, {"roles", std::move(roles)}}));
  return token;
}

Result<std::string> issue_token(WriteBackend& backend, const std::string& user_name, Instant now) {
  auto user = backend.user_by_name(user_name);
  if (!user) return Rejection::invalid_field("name", "no user is named '" + user_name + "'");
  const std::string token = new_token();
  backend.insert_token(user->id, token_hash(token), now);
  backend.append_log("token_issued", "system", now, "",
                     json::serialize(json::object{{"name", user_name}}));
  return token;
}

bool load_units_if_empty(WriteBackend& backend, const std::vector<Unit>& units, Instant now) {
  if (!backend.units().empty()) return false;
  const UnitTree tree(units);
  backend.put_units(units, tree);
  backend.append_log("units_loaded", "system", now, "",
                     json::serialize(json::object{{"count", units.size()}, {"root", tree.root()}}));
  return true;
}

}  // namespace qingling::store
