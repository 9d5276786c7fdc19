#pragma once

#include <string>
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

// Loads `units` into an empty unit table (the first start of a data folder)
// and records it in the log. Returns false, writing nothing, when units exist.
bool load_units_if_empty(WriteBackend& backend, const std::vector<Unit>& units, Instant now);

}  // namespace qingling::store
