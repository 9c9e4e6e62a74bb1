#pragma once
// Timestamps: text to epoch seconds (UTC), and the calendar features derived from them.
// Standard library only; no locale, no time zone database, no std::tm.
//
// Without a format (Schema::time_format empty) a value is read as the first of:
//   epoch seconds        1538478769.600293   (any decimal number; fractions kept)
//   ISO 8601             2019-04-25T19:19:40, 2019-04-25 19:19:40.25Z, 2019-04-25T19:19+02:00,
//                        2019-04-25 (midnight); offsets are subtracted to give UTC
//   dd-Mon-yy            25-Apr-19 19:19:40, 2-Apr-2019 8:59:02 (English month names, any case;
//                        a two-digit year yy is 19yy from 69 up, 20yy below)
//   dd/mm/yyyy           25/04/2019 19:19:40, 25/04/2019 19:19, 25/04/2019
// Hours, minutes, seconds, days and months may have one or two digits; seconds may carry a
// fraction (".123"). Values without an offset are UTC. A time of day before the date
// ("19:19:40 25-Apr-19", from a time column that precedes its date column) reads too.
// An explicit format is strftime-like: %Y (4 digits) %y (2 digits) %m %d %e %H %M %S (1-2
// digits; %S takes an optional ".fraction") %f (fraction digits) %b %h (Jan..Dec) %B (January..)
// %z (Z, +HH, +HHMM, +HH:MM) %s (epoch seconds) %T (= %H:%M:%S) %F (= %Y-%m-%d) %% ('%').
// A space matches any run of spaces (or none); every other character matches itself.
// When a time is two columns (a date and a time of day), the two are joined by one space
// before parsing: "25-Apr-19" + "19:19:40" reads as "25-Apr-19 19:19:40".
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "dlrm/error.hpp"
#include "dlrm/preprocessing/csv.hpp"

namespace dlrm::prep {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr bool is_leap_year(std::int64_t y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

namespace detail {

// A cursor over the text of one timestamp.
struct TimeCursor {
  std::string_view s;
  std::size_t i = 0;

  bool done() const noexcept { return i >= s.size(); }
  bool peek(char c) const noexcept { return i < s.size() && s[i] == c; }
  bool eat(char c) noexcept {
    if (!peek(c)) return false;
    ++i;
    return true;
  }
  void spaces() noexcept {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
  // Between min_digits and max_digits decimal digits.
  bool number(int min_digits, int max_digits, int& out) noexcept {
    int n = 0, v = 0;
    while (n < max_digits && i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i] - '0');
      ++i;
      ++n;
    }
    out = v;
    return n >= min_digits;
  }
  // ".123" after seconds: adds the fraction, if any.
  bool fraction(double& out) noexcept {
    if (!peek('.') && !peek(',')) return true;
    const std::size_t start = ++i;
    double scale = 0.1, v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v += (s[i] - '0') * scale;
      scale *= 0.1;
      ++i;
    }
    out = v;
    return i > start;
  }
  // English month name: 3-letter abbreviation, or the full name when `full`.
  bool month_name(bool full, int& out) noexcept {
    static const char* const names[] = {"january", "february", "march",     "april",
                                        "may",     "june",     "july",      "august",
                                        "september", "october", "november", "december"};
    for (int m = 0; m < 12; ++m) {
      const std::string_view name(names[m]);
      const std::size_t len = full ? name.size() : 3;
      if (i + len > s.size()) continue;
      bool same = true;
      for (std::size_t k = 0; k < len && same; ++k) same = (s[i + k] | 0x20) == name[k];
      if (same) {
        i += len;
        out = m + 1;
        return true;
      }
    }
    return false;
  }
  // Z, +HH, +HHMM, +HH:MM (seconds east of UTC).
  bool offset(int& seconds) noexcept {
    if (eat('Z') || eat('z')) {
      seconds = 0;
      return true;
    }
    if (!peek('+') && !peek('-')) return false;
    const int sign = s[i++] == '-' ? -1 : 1;
    int h = 0, m = 0;
    if (!number(2, 2, h)) return false;
    eat(':');
    if (i < s.size() && s[i] >= '0' && s[i] <= '9' && !number(2, 2, m)) return false;
    if (h > 23 || m > 59) return false;
    seconds = sign * (h * 3600 + m * 60);
    return true;
  }
};

struct Civil {
  std::int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  double fraction = 0;
  int offset = 0;  // seconds east of UTC

  std::optional<double> epoch() const noexcept {
    if (month < 1 || month > 12 || day < 1 ||
        day > static_cast<int>(days_in_month(year, static_cast<unsigned>(month))) || hour > 23 ||
        minute > 59 || second > 59)
      return std::nullopt;
    const std::int64_t days =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const std::int64_t whole = days * 86400 + hour * 3600 + minute * 60 + second - offset;
    return static_cast<double>(whole) + fraction;
  }
};

inline int two_digit_year(int yy) noexcept { return yy >= 69 ? 1900 + yy : 2000 + yy; }

// H:MM[:SS[.f]] (the time of day that follows a date).
inline bool clock(TimeCursor& c, Civil& t) noexcept {
  if (!c.number(1, 2, t.hour) || !c.eat(':') || !c.number(2, 2, t.minute)) return false;
  if (c.eat(':')) {
    if (!c.number(2, 2, t.second) || !c.fraction(t.fraction)) return false;
  }
  return true;
}

inline std::optional<double> parse_iso(std::string_view s) noexcept {
  TimeCursor c{s};
  Civil t;
  int y = 0;
  if (!c.number(4, 4, y) || !c.eat('-') || !c.number(2, 2, t.month) || !c.eat('-') ||
      !c.number(2, 2, t.day))
    return std::nullopt;
  t.year = y;
  if (c.done()) return t.epoch();
  if (!c.eat('T') && !c.eat('t') && !c.eat(' ')) return std::nullopt;
  c.spaces();
  if (!clock(c, t)) return std::nullopt;
  c.spaces();
  if (!c.done() && !c.offset(t.offset)) return std::nullopt;
  if (!c.done()) return std::nullopt;
  return t.epoch();
}

inline std::optional<double> parse_day_month_name(std::string_view s) noexcept {
  TimeCursor c{s};
  Civil t;
  int y = 0;
  if (!c.number(1, 2, t.day) || !c.eat('-') || !c.month_name(false, t.month) || !c.eat('-'))
    return std::nullopt;
  const std::size_t at = c.i;
  if (!c.number(2, 4, y) || (c.i - at) == 3) return std::nullopt;
  t.year = (c.i - at) == 2 ? two_digit_year(y) : y;
  c.spaces();
  if (!c.done() && !clock(c, t)) return std::nullopt;
  if (!c.done()) return std::nullopt;
  return t.epoch();
}

inline std::optional<double> parse_day_month_year(std::string_view s) noexcept {
  TimeCursor c{s};
  Civil t;
  int y = 0;
  if (!c.number(1, 2, t.day) || !c.eat('/') || !c.number(1, 2, t.month) || !c.eat('/') ||
      !c.number(4, 4, y))
    return std::nullopt;
  t.year = y;
  c.spaces();
  if (!c.done() && !clock(c, t)) return std::nullopt;
  if (!c.done()) return std::nullopt;
  return t.epoch();
}

// true if `format` uses only the directives above.
inline bool valid_format(std::string_view f, char* bad = nullptr) noexcept {
  for (std::size_t k = 0; k < f.size(); ++k) {
    if (f[k] != '%') continue;
    if (k + 1 >= f.size()) {
      if (bad) *bad = '\0';
      return false;
    }
    const char d = f[++k];
    if (std::string_view("YymdeHMSfbhBzsTF%").find(d) == std::string_view::npos) {
      if (bad) *bad = d;
      return false;
    }
  }
  return true;
}

inline bool apply_format(TimeCursor& c, std::string_view f, Civil& t, bool& has_epoch,
                         double& epoch) noexcept {
  for (std::size_t k = 0; k < f.size(); ++k) {
    const char fc = f[k];
    if (fc == ' ') {
      c.spaces();
      continue;
    }
    if (fc != '%') {
      if (!c.eat(fc)) return false;
      continue;
    }
    if (++k >= f.size()) return false;
    int v = 0;
    switch (f[k]) {
      case 'Y':
        if (!c.number(4, 4, v)) return false;
        t.year = v;
        break;
      case 'y':
        if (!c.number(2, 2, v)) return false;
        t.year = two_digit_year(v);
        break;
      case 'm': if (!c.number(1, 2, t.month)) return false; break;
      case 'd':
      case 'e':
        c.spaces();
        if (!c.number(1, 2, t.day)) return false;
        break;
      case 'H': if (!c.number(1, 2, t.hour)) return false; break;
      case 'M': if (!c.number(1, 2, t.minute)) return false; break;
      case 'S':
        if (!c.number(1, 2, t.second) || !c.fraction(t.fraction)) return false;
        break;
      case 'f': {
        const std::size_t start = c.i;
        double scale = 0.1, frac = 0;
        while (!c.done() && c.s[c.i] >= '0' && c.s[c.i] <= '9') {
          frac += (c.s[c.i] - '0') * scale;
          scale *= 0.1;
          ++c.i;
        }
        if (c.i == start) return false;
        t.fraction = frac;
        break;
      }
      case 'b':
      case 'h':
        if (!c.month_name(false, t.month)) return false;
        break;
      case 'B':
        if (!c.month_name(true, t.month)) return false;
        break;
      case 'z':
        if (!c.offset(t.offset)) return false;
        break;
      case 's': {
        std::size_t end = c.i;
        while (end < c.s.size() && ((c.s[end] >= '0' && c.s[end] <= '9') || c.s[end] == '.' ||
                                    (end == c.i && c.s[end] == '-')))
          ++end;
        const auto n = parse_number(c.s.substr(c.i, end - c.i));
        if (!n || std::isnan(*n)) return false;
        has_epoch = true;
        epoch = *n;
        c.i = end;
        break;
      }
      case 'T':
        if (!apply_format(c, "%H:%M:%S", t, has_epoch, epoch)) return false;
        break;
      case 'F':
        if (!apply_format(c, "%Y-%m-%d", t, has_epoch, epoch)) return false;
        break;
      case '%':
        if (!c.eat('%')) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

}  // namespace detail

// Epoch seconds (UTC) of `text` (trimmed), or nullopt when it is not a time. `format` empty
// means detect (see the top of this file).
inline std::optional<double> try_parse_time(std::string_view text,
                                            std::string_view format = {}) noexcept {
  const std::string_view s = trim(text);
  if (s.empty()) return std::nullopt;
  if (format.empty()) {
    if (auto n = parse_number(s)) {
      if (std::isnan(*n)) return std::nullopt;
      return n;
    }
    if (auto t = detail::parse_iso(s)) return t;
    if (auto t = detail::parse_day_month_name(s)) return t;
    if (auto t = detail::parse_day_month_year(s)) return t;
    // "19:19:40 25-Apr-19": a time of day before the date (two columns in that order).
    const std::size_t space = s.find(' ');
    if (space != std::string_view::npos && space < 16 && s.size() < 64 &&
        s.substr(0, space).find(':') != std::string_view::npos) {
      std::string_view date = trim(s.substr(space));
      const std::string_view clock = s.substr(0, space);
      char buf[64];
      const std::size_t len = date.size() + 1 + clock.size();
      if (len < sizeof buf && date.find(' ') == std::string_view::npos) {
        std::memcpy(buf, date.data(), date.size());
        buf[date.size()] = ' ';
        std::memcpy(buf + date.size() + 1, clock.data(), clock.size());
        const std::string_view swapped(buf, len);
        if (auto t = detail::parse_iso(swapped)) return t;
        if (auto t = detail::parse_day_month_name(swapped)) return t;
        return detail::parse_day_month_year(swapped);
      }
    }
    return std::nullopt;
  }
  detail::TimeCursor c{s};
  detail::Civil t;
  bool has_epoch = false;
  double epoch = 0;
  if (!detail::apply_format(c, format, t, has_epoch, epoch) || !c.done()) return std::nullopt;
  if (has_epoch) return epoch;
  return t.epoch();
}

// The reason a value is not a time, for messages: `"x" is not a time (expected ...)`.
inline std::string time_error_text(std::string_view text, std::string_view format = {}) {
  if (format.empty())
    return quote_value(trim(text)) +
           " is not a time (expected epoch seconds, ISO 8601, dd-Mon-yy HH:MM:SS or dd/mm/yyyy "
           "HH:MM:SS; or set a time format)";
  return quote_value(trim(text)) + " does not match the time format " + quote_value(format);
}

// FormatError if `format` uses a directive this parser does not know.
inline void check_time_format(std::string_view format) {
  char bad = 0;
  if (!detail::valid_format(format, &bad))
    throw FormatError("time format " + quote_value(format) +
                      (bad ? std::string(" uses %") + bad + ", which is not supported"
                           : std::string(" ends in a lone %")) +
                      " (use %Y %y %m %d %e %H %M %S %f %b %h %B %z %s %T %F %%)");
}

// Epoch seconds (UTC) of `text`; a ParseError (without a file or line: callers that have
// them say so) when it is not a time.
inline double parse_time(std::string_view text, std::string_view format = {}) {
  if (!format.empty()) check_time_format(format);
  if (auto t = try_parse_time(text, format)) return *t;
  throw ParseError(time_error_text(text, format), {}, 0, 0, {});
}

struct TimeOfDay {
  int hour;     // 0..23, UTC
  int weekday;  // 0 = Monday .. 6 = Sunday
};

inline TimeOfDay time_of_day(double epoch_seconds) noexcept {
  const double days = std::floor(epoch_seconds / 86400.0);
  const double in_day = epoch_seconds - days * 86400.0;  // [0, 86400)
  int hour = static_cast<int>(in_day / 3600.0);
  if (hour > 23) hour = 23;  // rounding at the very end of a day
  const std::int64_t d = static_cast<std::int64_t>(days);
  const int weekday = static_cast<int>(((d % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
  return {hour, weekday};
}

// Positions on the daily and weekly cycles as sine / cosine pairs, from the exact time
// (not the rounded hour), so that 23:59 sits next to 00:00.
struct TimeCycles {
  double day_sin, day_cos, week_sin, week_cos;
};

inline TimeCycles time_cycles(double epoch_seconds) noexcept {
  constexpr double two_pi = 6.283185307179586476925;
  const double day = std::fmod(epoch_seconds, 86400.0) / 86400.0;
  // Weeks counted from a Monday (1970-01-05) so that week position 0 is Monday 00:00.
  const double week = std::fmod(epoch_seconds - 4 * 86400.0, 7 * 86400.0) / (7 * 86400.0);
  const double d = day < 0 ? day + 1 : day;
  const double w = week < 0 ? week + 1 : week;
  return {std::sin(two_pi * d), std::cos(two_pi * d), std::sin(two_pi * w), std::cos(two_pi * w)};
}

}  // namespace dlrm::prep
