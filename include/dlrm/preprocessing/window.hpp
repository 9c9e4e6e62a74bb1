#pragma once
// Causal window features over the last N seconds (Schema::windows): they look at the past
// and the current event only, so the batch transform (row by row through this same state
// object) and a live stream give the same numbers by construction.
// Standard library only.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing/hashing.hpp"
#include "dlrm/preprocessing/schema.hpp"

namespace dlrm::prep {

// A numeric key or value as window text: the shortest decimal that reads back the same
// double ("" for NaN = missing), written into `buf` without allocating.
inline std::string_view number_text(double x, char (&buf)[32]) noexcept {
  if (std::isnan(x)) return {};
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string_view(buf, static_cast<std::size_t>(r.ptr - buf));
}

// One WindowSpec's running state. Events come in non-decreasing time. For each event:
//  - count:    events of this key in (t - seconds, t], this one included;
//  - sum:      sum of the present `value`s of this key in (t - seconds, t] (0 if none;
//              exactly 0 again whenever the window empties, so rounding does not drift);
//  - distinct: number of distinct present `value`s of this key in (t - seconds, t];
//  - since_change: t minus the time this key's `value` took its current value (the first
//              reading counts as a change; a missing value changes nothing); before any
//              reading of the key, t minus the key's first event.
// The key is text ("" = missing, its own group; a global window passes "" always).
// Memory grows with the number of keys and the events inside a window; once those have
// been seen, update() does not allocate.
class WindowState {
 public:
  WindowState() = default;
  explicit WindowState(WindowSpec spec) : spec_(std::move(spec)) {
    if (spec_.kind != WindowKind::since_change && !(spec_.seconds > 0))
      throw Error("window '" + spec_.name + "': seconds must be > 0 (got " + text(spec_.seconds) + ")");
  }

  const WindowSpec& spec() const noexcept { return spec_; }

  // value_text is used by distinct and since_change, value_number by sum.
  double update(double time, std::string_view key, std::string_view value_text, double value_number) {
    if (time < last_time_)
      throw InputError("window '" + spec_.name + "': event at " + text(time) +
                       " comes before the previous one at " + text(last_time_) +
                       "; events must come in time order");
    last_time_ = time;
    std::uint32_t k = keys_.find(key);
    if (k == StringIndex::npos) {
      k = keys_.insert(key);
      states_.emplace_back();
      states_.back().first_seen = time;
    }
    KeyState& s = states_[k];
    switch (spec_.kind) {
      // Expire first, then add: the ring never holds more than one window's events.
      case WindowKind::count:
        expire(k, s, time);
        s.ring.push({time, 0, 0});
        return static_cast<double>(s.ring.size);
      case WindowKind::sum:
        expire(k, s, time);
        if (!std::isnan(value_number)) {
          s.ring.push({time, value_number, 0});
          s.sum += value_number;
        }
        return s.sum;
      case WindowKind::distinct:
        expire(k, s, time);
        if (!value_text.empty()) {
          const std::uint32_t v = values_.insert(value_text);
          s.ring.push({time, 0, v});
          if (pairs_.get(pair(k, v), 0)++ == 0) ++s.distinct;
        }
        return static_cast<double>(s.distinct);
      case WindowKind::since_change:
        if (!value_text.empty()) {
          const std::uint32_t v = values_.insert(value_text);
          if (!s.has_value || v != s.last_value) {
            s.has_value = true;
            s.last_value = v;
            s.last_change = time;
          }
        }
        return time - (s.has_value ? s.last_change : s.first_seen);
    }
    return 0;
  }

  // Forget every event (a new timeline starts).
  void reset() {
    *this = WindowState(spec_);
  }

 private:
  struct Entry {
    double time;
    double number;
    std::uint32_t value;
  };
  // Power-of-two ring buffer that only grows.
  struct Ring {
    std::vector<Entry> buf;
    std::size_t head = 0, size = 0;
    void push(const Entry& e) {
      if (size == buf.size()) {
        std::vector<Entry> bigger(buf.empty() ? 4 : buf.size() * 2);
        for (std::size_t i = 0; i < size; ++i) bigger[i] = buf[(head + i) & (buf.size() - 1)];
        buf = std::move(bigger);
        head = 0;
      }
      buf[(head + size) & (buf.size() - 1)] = e;
      ++size;
    }
    const Entry& front() const { return buf[head]; }
    void pop() {
      head = (head + 1) & (buf.size() - 1);
      --size;
    }
  };
  struct KeyState {
    Ring ring;
    double sum = 0;
    std::uint32_t distinct = 0;
    bool has_value = false;
    std::uint32_t last_value = 0;
    double last_change = 0;
    double first_seen = 0;
  };

  static std::string text(double x) {
    char buf[32];
    return std::string(number_text(x, buf));
  }

  static std::uint64_t pair(std::uint32_t key, std::uint32_t value) noexcept {
    return (static_cast<std::uint64_t>(key) << 32) | value;
  }

  void expire(std::uint32_t k, KeyState& s, double time) {
    const double horizon = time - spec_.seconds;
    while (s.ring.size > 0 && s.ring.front().time <= horizon) {
      const Entry& e = s.ring.front();
      if (spec_.kind == WindowKind::sum) {
        s.sum -= e.number;
      } else if (spec_.kind == WindowKind::distinct) {
        std::uint32_t* c = pairs_.find(pair(k, e.value));
        if (--*c == 0) {
          pairs_.erase(pair(k, e.value));
          --s.distinct;
        }
      }
      s.ring.pop();
    }
    if (spec_.kind == WindowKind::sum && s.ring.size == 0) s.sum = 0;
  }

  WindowSpec spec_;
  double last_time_ = -HUGE_VAL;
  StringIndex keys_;
  std::vector<KeyState> states_;
  StringIndex values_;
  U64Map pairs_;  // (key, value) -> events of that value in the key's window
};

}  // namespace dlrm::prep
