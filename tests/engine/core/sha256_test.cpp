#include "engine/core/sha256.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace qingling {
namespace {

struct Vector {
  std::string name;
  std::string data;
  std::string digest;
};

// FIPS 180-2 examples and the empty message.
const std::vector<Vector> kVectors = {
    {"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"two blocks", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"a million a's", std::string(1000000, 'a'),
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
};

TEST(Sha256, KnownVectors) {
  for (const Vector& v : kVectors) {
    EXPECT_EQ(sha256_hex(v.data), v.digest) << v.name;
  }
}

TEST(Sha256, IncrementalEqualsOneShot) {
  for (const Vector& v : kVectors) {
    // Pieces of 1, 63, 64 and 1000 bytes cross the 64-byte block in every way.
    for (std::size_t piece : {1u, 63u, 64u, 1000u}) {
      if (piece == 1 && v.data.size() > 100000) continue;  // slow and adds nothing
      Sha256 hash;
      for (std::size_t at = 0; at < v.data.size(); at += piece) {
        hash.update(std::string_view(v.data).substr(at, piece));
      }
      EXPECT_EQ(hash.hex_digest(), v.digest) << v.name << " in pieces of " << piece;
    }
  }
}

TEST(Sha256, EmptyUpdatesChangeNothing) {
  Sha256 hash;
  hash.update("");
  hash.update("ab");
  hash.update("");
  hash.update("c");
  EXPECT_EQ(hash.hex_digest(), sha256_hex("abc"));
}

TEST(Sha256, BinaryDataWithZeroBytes) {
  const std::string data("a\0b", 3);
  EXPECT_NE(sha256_hex(data), sha256_hex("ab"));
  EXPECT_EQ(sha256_hex(data).size(), 64u);
  Sha256 hash;
  hash.update(data);
  EXPECT_EQ(hash.hex_digest(), sha256_hex(data));
}

}  // namespace
}  // namespace qingling
