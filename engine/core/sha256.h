#pragma once

#include <string>
#include <string_view>

namespace qingling {

// SHA-256 of `data`, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

// Incremental SHA-256 for data that arrives in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string hex_digest();  // ends the hash; call once

 private:
  alignas(16) unsigned char state_[128];  // crypto_hash_sha256_state, kept opaque here
};

}  // namespace qingling
