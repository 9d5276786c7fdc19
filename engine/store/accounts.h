#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/core/rejection.h"
#include "engine/core/time.h"
#include "engine/store/store.h"

namespace qingling::store {

// Creates a user and a first API token, inside the backend's open
// transaction, and records it in the log. Returns the token (shown once;
// only its hash is kept). Invalid when the name is taken or malformed, the
// unit unknown, or a role not one of `known_roles`.
Result<std::string> add_user(WriteBackend& backend, const User& user,
                             const std::vector<std::string>& known_roles, Instant now);

// A new token for an existing user, recorded in the log.
Result<std::string> issue_token(WriteBackend& backend, const std::string& user_name, Instant now);

// Passwords for signing in to the page, as libsodium's Argon2id string
// (algorithm, parameters, salt and hash in one). Invalid (field "password")
// when shorter than 8 characters or longer than 1024 bytes. Slow on purpose:
// about 0.1 s and 64 MiB; never call it on an I/O thread.
Result<std::string> hash_password(std::string_view password);
// False for a wrong password and for a hash that is not a valid Argon2id
// string (an empty one: the user has no password).
bool verify_password(const std::string& hash, std::string_view password);

// Sets a user's password hash, signs out every session of theirs and
// records it in the log.
Result<std::int64_t> set_password(WriteBackend& backend, const std::string& user_name,
                                  const std::string& password_hash, Instant now);

// Loads `units` into an empty unit table (the first start of a data folder)
// and records it in the log. Returns false, writing nothing, when units exist.
bool load_units_if_empty(WriteBackend& backend, const std::vector<Unit>& units, Instant now);

}  // namespace qingling::store
