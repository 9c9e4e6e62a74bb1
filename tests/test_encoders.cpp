#include "dlrm/preprocessing/encoders.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace dlrm::prep;

static Vocabulary build(const std::vector<std::string>& values, std::size_t min_frequency) {
  VocabularyBuilder b;
  for (const auto& v : values) b.add(v);
  return b.build(min_frequency);
}

TEST_CASE("vocabulary: most frequent first, ties in byte order, 0 = unknown/missing") {
  const auto v = build({"tcp", "udp", "tcp", "icmp", "", "udp", "tcp", "arp"}, 1);
  CHECK(v.size() == 5);  // unknown + tcp, udp, arp, icmp
  CHECK(v.index("tcp") == 1);
  CHECK(v.index("udp") == 2);
  CHECK(v.index("arp") == 3);
  CHECK(v.index("icmp") == 4);
  CHECK(v.index("") == 0);
  CHECK(v.index("sctp") == 0);
  CHECK(v.value(3) == "arp");
  CHECK(v.value(0) == "");
}

TEST_CASE("min_frequency sends rare values to unknown") {
  const auto v = build({"a", "b", "a", "c", "b", "a"}, 2);
  CHECK(v.size() == 3);
  CHECK(v.index("a") == 1);
  CHECK(v.index("b") == 2);
  CHECK(v.index("c") == 0);
  CHECK(build({"a"}, 0).size() == 2);  // 0 means 1
  CHECK(build({"a", "b"}, 5).size() == 1);
}

TEST_CASE("order does not depend on the order of the rows") {
  const auto a = build({"x", "y", "z", "y"}, 1);
  const auto b = build({"y", "z", "y", "x"}, 1);
  for (const char* s : {"x", "y", "z"}) CHECK(a.index(s) == b.index(s));
}

TEST_CASE("encode counts unseen values, not missing ones") {
  const auto v = build({"on", "off"}, 1);
  std::size_t unseen = 0;
  CHECK(v.encode("off", unseen) == 1);
  CHECK(v.encode("on", unseen) == 2);
  CHECK(v.encode("", unseen) == 0);
  CHECK(unseen == 0);
  CHECK(v.encode("dim", unseen) == 0);
  CHECK(v.encode("blink", unseen) == 0);
  CHECK(unseen == 2);
}

TEST_CASE("a vocabulary rebuilt from its values in order is the same") {
  const auto v = build({"c", "a", "b", "a"}, 1);
  std::vector<std::string> values;
  for (std::int32_t i = 1; i < std::int32_t(v.size()); ++i) values.emplace_back(v.value(i));
  const Vocabulary w(values);
  for (const char* s : {"a", "b", "c", "d", ""}) CHECK(v.index(s) == w.index(s));
}
