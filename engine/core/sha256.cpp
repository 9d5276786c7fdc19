#include "engine/core/sha256.h"

#include <cstring>

#include <sodium.h>

namespace qingling {
namespace {

crypto_hash_sha256_state* state_of(unsigned char* raw) {
  static_assert(sizeof(crypto_hash_sha256_state) <= 128, "state buffer too small");
  return reinterpret_cast<crypto_hash_sha256_state*>(raw);
}

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(digest, sizeof digest);
}

Sha256::Sha256() { crypto_hash_sha256_init(state_of(state_)); }
Sha256::~Sha256() { sodium_memzero(state_, sizeof state_); }

void Sha256::update(std::string_view data) {
  crypto_hash_sha256_update(state_of(state_), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
}

std::string Sha256::hex_digest() {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(state_of(state_), digest);
  return to_hex(digest, sizeof digest);
}

}  // namespace qingling
