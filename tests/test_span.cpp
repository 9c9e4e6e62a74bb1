#include <doctest/doctest.h>

#include <vector>

#include "dlrm/batch.hpp"
#include "dlrm/error.hpp"

TEST_CASE("span views a vector without copying and slices it") {
  std::vector<int> v{1, 2, 3, 4, 5};
  dlrm::span<const int> s(v);
  CHECK(s.size() == 5);
  CHECK(s.data() == v.data());
  auto mid = s.subspan(1, 3);
  CHECK(mid.size() == 3);
  CHECK(mid[0] == 2);
  CHECK(mid[2] == 4);
  int sum = 0;
  for (int x : mid) sum += x;
  CHECK(sum == 9);
}

TEST_CASE("ParseError carries its location") {
  dlrm::ParseError e("bad", "f.csv", 3, 2, "temp");
  CHECK(e.file() == "f.csv");
  CHECK(e.line() == 3);
  CHECK(e.column() == 2);
  CHECK(e.field() == "temp");
  CHECK(std::string(e.what()) == "bad");
  const dlrm::Error& base = e;
  CHECK(std::string(base.what()) == "bad");
}
