#include "dlrm/preprocessing/window.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

using namespace dlrm::prep;
static const double nan_ = std::numeric_limits<double>::quiet_NaN();

struct Event {
  double time;
  std::string key;
  std::string text;
  double number;
};

static std::string tag(const char* prefix, std::uint64_t i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

static WindowSpec spec(WindowKind kind, double seconds) {
  return WindowSpec{std::string("w"), kind, std::string("src"), std::string("v"), seconds};
}

static std::vector<double> run(WindowSpec s, const std::vector<Event>& events) {
  WindowState w(s);
  std::vector<double> out;
  for (const auto& e : events) out.push_back(w.update(e.time, e.key, e.text, e.number));
  return out;
}

// The scalar twin: every aggregate recomputed from scratch over the past events.
static std::vector<double> reference(const WindowSpec& s, const std::vector<Event>& ev) {
  std::vector<double> out;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const double t = ev[i].time;
    double count = 0, sum = 0;
    std::set<std::string> distinct;
    bool has = false, seen = false;
    std::string last;
    double change = 0, first = 0;
    for (std::size_t j = 0; j <= i; ++j) {
      if (ev[j].key != ev[i].key) continue;
      if (!seen) first = ev[j].time, seen = true;
      if (!ev[j].text.empty() && (!has || ev[j].text != last)) {
        has = true;
        last = ev[j].text;
        change = ev[j].time;
      }
      if (ev[j].time <= t - s.seconds) continue;
      count += 1;
      if (!std::isnan(ev[j].number)) sum += ev[j].number;
      if (!ev[j].text.empty()) distinct.insert(ev[j].text);
    }
    switch (s.kind) {
      case WindowKind::count: out.push_back(count); break;
      case WindowKind::sum: out.push_back(sum); break;
      case WindowKind::distinct: out.push_back(double(distinct.size())); break;
      case WindowKind::since_change: out.push_back(t - (has ? change : first)); break;
    }
  }
  return out;
}

static const std::vector<Event> hand = {
    {0, "a", "x", 10},   {1, "b", "y", 5},  {2, "a", "y", 20}, {2, "a", "x", nan_},
    {5, "a", "", 1},     {9, "b", "y", 2},  {10, "a", "z", 4}, {11.5, "a", "z", 8},
    {13, "", "q", 100},  {20, "a", "", 0},
};

TEST_CASE("count per key over (t - 10, t]") {
  CHECK(run(spec(WindowKind::count, 10), hand) == std::vector<double>{1, 1, 2, 3, 4, 2, 4, 5, 1, 2});
}

TEST_CASE("sum per key; missing values add nothing") {
  CHECK(run(spec(WindowKind::sum, 10), hand) == std::vector<double>{10, 5, 30, 30, 31, 7, 25, 33, 100, 8});
}

TEST_CASE("distinct values per key") {
  CHECK(run(spec(WindowKind::distinct, 10), hand) == std::vector<double>{1, 1, 2, 2, 2, 1, 3, 3, 1, 1});
}

TEST_CASE("seconds since the value last changed") {
  CHECK(run(spec(WindowKind::since_change, 0), hand) ==
        std::vector<double>{0, 0, 0, 0, 3, 8, 0, 1.5, 0, 10});
  // before any reading of the key: time since its first event
  CHECK(run(spec(WindowKind::since_change, 0), {{1, "k", "", 0}, {4, "k", "", 0}, {6, "k", "on", 0}, {7, "k", "", 0}}) ==
        std::vector<double>{0, 3, 0, 1});
}

TEST_CASE("global window (key always empty)") {
  std::vector<Event> ev = hand;
  for (auto& e : ev) e.key.clear();
  CHECK(run(spec(WindowKind::count, 5), ev) == std::vector<double>{1, 2, 3, 4, 4, 2, 2, 3, 4, 1});
}

TEST_CASE("the streaming state equals the from-scratch reference on a long random timeline") {
  std::uint64_t s = 7;
  auto next = [&] { return (s = s * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  std::vector<Event> ev;
  double t = 0;
  for (int i = 0; i < 1500; ++i) {
    t += double(next() % 4) * 0.5;  // ties included
    const auto k = next() % 7, v = next() % 9;
    ev.push_back({t, k == 0 ? "" : tag("k", k), v == 0 ? "" : tag("v", v),
                  v == 0 ? nan_ : double(next() % 1000)});
  }
  for (auto kind : {WindowKind::count, WindowKind::sum, WindowKind::distinct, WindowKind::since_change})
    CHECK(run(spec(kind, 12), ev) == reference(spec(kind, 12), ev));
}

TEST_CASE("numbers as window text") {
  char buf[32];
  CHECK(number_text(80, buf) == "80");
  CHECK(number_text(0.1, buf) == "0.1");
  CHECK(number_text(-2.5e-7, buf) == "-2.5e-07");
  CHECK(number_text(nan_, buf).empty());
}

TEST_CASE("window errors") {
  CHECK_THROWS_WITH_AS(WindowState(spec(WindowKind::count, 0)), "window 'w': seconds must be > 0 (got 0)",
                       dlrm::Error);
  WindowState w(spec(WindowKind::count, 5));
  w.update(10, "a", "", 0);
  CHECK_THROWS_WITH_AS(w.update(9.5, "a", "", 0),
                       "window 'w': event at 9.5 comes before the previous one at 10; events must come in time order",
                       dlrm::InputError);
  w.reset();
  CHECK(w.update(1, "a", "", 0) == 1);
}
