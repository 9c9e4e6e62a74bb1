#include "dlrm/preprocessing/hashing.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string>

using namespace dlrm::prep;

// (appending avoids a GCC 12 -Wrestrict false positive on key("k", i))
static std::string key(const char* prefix, int i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

TEST_CASE("fnv1a64 matches the published FNV-1a 64 vectors") {
  CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("stable_hash64 is pinned (vectors computed independently in Python)") {
  CHECK(stable_hash64("") == 0xefd01f60ba992926ULL);
  CHECK(stable_hash64("a") == 0x82a2a958a9bece5bULL);
  CHECK(stable_hash64("foobar") == 0x2c22194922d1672bULL);
  CHECK(stable_hash64("192.168.1.1") == 0x6c2e53f9333b4293ULL);
  CHECK(stable_hash64("Malicious") == 0xc46d5b5c1f507dabULL);
  static_assert(stable_hash64("a") == 0x82a2a958a9bece5bULL, "usable at compile time");
}

TEST_CASE("hash_bucket: 0 is missing, present values in 1..buckets-1") {
  CHECK(hash_bucket("", 4096) == 0);
  CHECK(hash_bucket("a", 4096) == 51);
  CHECK(hash_bucket("foobar", 4096) == 2846);
  CHECK(hash_bucket("192.168.1.1", 4096) == 240);
  CHECK(hash_bucket("192.168.1.1", 16) == 15);
  CHECK(hash_bucket("Malicious", 16) == 11);
  CHECK(hash_bucket("x", 2) == 1);
  for (int i = 0; i < 1000; ++i) {
    const auto b = hash_bucket(key("v", i), 7);
    CHECK(b >= 1);
    CHECK(b <= 6);
  }
  CHECK_THROWS_WITH_AS(hash_bucket("x", 1),
                       "hash_bucket: a hashed column needs at least 2 buckets (bucket 0 is missing), got 1",
                       dlrm::Error);
}

TEST_CASE("StringIndex interns and finds") {
  StringIndex idx;
  CHECK(idx.find("a") == StringIndex::npos);
  for (int i = 0; i < 200; ++i) CHECK(idx.insert(key("k", i)) == std::uint32_t(i));
  CHECK(idx.insert("k7") == 7u);
  CHECK(idx.size() == 200);
  for (int i = 0; i < 200; ++i) {
    CHECK(idx.find(key("k", i)) == std::uint32_t(i));
    CHECK(idx.at(std::uint32_t(i)) == key("k", i));
  }
  CHECK(idx.find("k200") == StringIndex::npos);
  CHECK(idx.insert("") == 200u);
  CHECK(idx.at(200) == "");
}

TEST_CASE("U64Map agrees with std::map under inserts and erases") {
  U64Map m;
  std::map<std::uint64_t, std::uint32_t> ref;
  std::uint64_t s = 12345;
  for (int step = 0; step < 20000; ++step) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::uint64_t key = (s >> 33) % 300;  // many collisions and re-inserts
    if ((s >> 20) & 1) {
      m.get(key, 0) += 1;
      ref[key] += 1;
    } else {
      CHECK(m.erase(key) == (ref.erase(key) == 1));
    }
  }
  CHECK(m.size() == ref.size());
  for (std::uint64_t k = 0; k < 300; ++k) {
    auto* v = m.find(k);
    auto it = ref.find(k);
    REQUIRE((v != nullptr) == (it != ref.end()));
    if (v) CHECK(*v == it->second);
  }
}
