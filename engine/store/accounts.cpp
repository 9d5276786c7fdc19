#include "engine/store/accounts.h"

#include <algorithm>

#include <sodium.h>
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

Result<std::string> hash_password(std::string_view password) {
  constexpr std::size_t kMin = 8;
  constexpr std::size_t kMax = 1024;
  if (password.size() < kMin) {
    return Rejection::invalid_field("password", "expected at least 8 characters");
  }
  if (password.size() > kMax) {
    return Rejection::invalid_field("password", "expected at most 1024 bytes");
  }
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Result<std::int64_t> set_password(WriteBackend& backend, const std::string& user_name,
                                  const std::string& password_hash, Instant now) {
  auto user = backend.user_by_name(user_name);
  if (!user) return Rejection::invalid_field("name", "no user is named '" + user_name + "'");
  backend.set_password_hash(user->id, password_hash);
  backend.remove_sessions(now, user->id);
  backend.append_log("password_set", "system", now, "",
                     json::serialize(json::object{{"name", user_name}}));
  return user->id;
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
