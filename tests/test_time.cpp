#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "dlrm/preprocessing/time.hpp"

using dlrm::prep::parse_time;
using dlrm::prep::try_parse_time;

namespace {
constexpr double kPi = 3.14159265358979323846;
}

// Expected epochs are calendar.timegm of the same civil time (Python), written out here.
TEST_CASE("epoch seconds, with and without fractions") {
  CHECK(parse_time("1540469303") == 1540469303.0);
  CHECK(parse_time(" 1538478769.600293 ") == 1538478769.600293);
  CHECK(parse_time("-3600") == -3600.0);
}

TEST_CASE("ISO 8601: T or space, fractions, Z and offsets, date only") {
  CHECK(parse_time("2019-04-25T19:19:40") == 1556219980.0);
  CHECK(parse_time("2019-04-25 19:19:40") == 1556219980.0);
  CHECK(parse_time("2019-04-25T19:19:40Z") == 1556219980.0);
  CHECK(parse_time("2019-04-25T19:19:40.25Z") == 1556219980.25);
  CHECK(parse_time("2019-04-25T21:19:40+02:00") == 1556219980.0);
  CHECK(parse_time("2019-04-25T21:19:40+0200") == 1556219980.0);
  CHECK(parse_time("2019-04-25T17:19:40-02") == 1556219980.0);
  CHECK(parse_time("2019-04-25T19:19") == 1556219940.0);
  CHECK(parse_time("2019-04-25") == 1556150400.0);
  CHECK(parse_time("2000-02-29 23:59:59") == 951868799.0);
  CHECK(parse_time("1969-12-31T23:00:00") == -3600.0);
}

TEST_CASE("TON_IoT dates: dd-Mon-yy with the time joined from a second column") {
  CHECK(parse_time("25-Apr-19 19:19:40") == 1556219980.0);
  CHECK(parse_time("2-Apr-19 8:59:02") == 1554195542.0);
  CHECK(parse_time("2-apr-2019   8:59:02") == 1554195542.0);
  CHECK(parse_time("31-Mar-19") == 1553990400.0);
  CHECK(parse_time("19:19:40 25-Apr-19") == 1556219980.0);  // time column before the date
  CHECK(parse_time("8:59:02 2019-04-02") == 1554195542.0);
  CHECK(parse_time("8:59 2/4/2019") == 1554195540.0);
  CHECK_FALSE(try_parse_time("8:59:02 junk").has_value());
  CHECK_FALSE(try_parse_time("8:59:02 2019-04-02 x").has_value());
}

TEST_CASE("dd/mm/yyyy HH:MM:SS") {
  CHECK(parse_time("25/04/2019 19:19:40") == 1556219980.0);
  CHECK(parse_time("2/4/2019 8:59:02") == 1554195542.0);
  CHECK(parse_time("25/04/2019 19:19") == 1556219940.0);
  CHECK(parse_time("31/03/2019") == 1553990400.0);
}

TEST_CASE("an explicit strftime-like format") {
  CHECK(parse_time("25-Apr-19 19:19:40", "%d-%b-%y %H:%M:%S") == 1556219980.0);
  CHECK(parse_time("04/25/2019 07:19:40.5 PM", "%m/%d/%Y %H:%M:%S PM") == 1556176780.5);
  CHECK(parse_time("2019.04.25 19h19", "%Y.%m.%d %Hh%M") == 1556219940.0);
  CHECK(parse_time("25 April 2019 19:19:40 +0100", "%d %B %Y %T %z") == 1556216380.0);
  CHECK(parse_time("2019-04-25|19:19:40|123", "%F|%T|%f") == 1556219980.123);
  CHECK(parse_time("t=1556219980.5", "t=%s") == 1556219980.5);
  CHECK(parse_time("100%", "%s%%") == 100.0);
}

TEST_CASE("bad timestamps are errors, never numbers") {
  for (const char* bad : {"", "abc", "2019-13-01", "2019-02-30", "2019-04-25T24:00:00",
                          "25-Apx-19 19:19:40", "25-Apr-191", "25/04/19", "2019-04-25T19:19:40+",
                          "2019-04-25 19:19:40 junk", "1e", "nan", "inf"})
    CHECK_MESSAGE(!try_parse_time(bad).has_value(), bad);
  CHECK(!try_parse_time("2019-04-25 19:19:40", "%d-%b-%y %H:%M:%S").has_value());
  CHECK(!try_parse_time("25-Apr-19 19:19:40x", "%d-%b-%y %H:%M:%S").has_value());
  CHECK_THROWS_WITH_AS(parse_time("25-Apx-19 19:19:40"),
                       "\"25-Apx-19 19:19:40\" is not a time (expected epoch seconds, ISO 8601, "
                       "dd-Mon-yy HH:MM:SS or dd/mm/yyyy HH:MM:SS; or set a time format)",
                       dlrm::ParseError);
  CHECK_THROWS_WITH_AS(parse_time("2019-04-25", "%d-%b-%y"),
                       "\"2019-04-25\" does not match the time format \"%d-%b-%y\"",
                       dlrm::ParseError);
  CHECK_THROWS_WITH_AS(parse_time("x", "%Q"),
                       "time format \"%Q\" uses %Q, which is not supported (use %Y %y %m %d %e %H "
                       "%M %S %f %b %h %B %z %s %T %F %%)",
                       dlrm::FormatError);
}

TEST_CASE("hour of day and day of week, 0 = Monday, UTC") {
  using dlrm::prep::time_of_day;
  auto t = time_of_day(1556219980.0);  // Thursday 2019-04-25 19:19:40
  CHECK(t.hour == 19);
  CHECK(t.weekday == 3);
  t = time_of_day(1554195542.0);  // Tuesday 2019-04-02 08:59:02
  CHECK(t.hour == 8);
  CHECK(t.weekday == 1);
  t = time_of_day(1553990400.0);  // Sunday 2019-03-31 00:00
  CHECK(t.hour == 0);
  CHECK(t.weekday == 6);
  t = time_of_day(-3600.0);  // Wednesday 1969-12-31 23:00
  CHECK(t.hour == 23);
  CHECK(t.weekday == 2);
  t = time_of_day(1538478769.600293);  // Tuesday 2018-10-02 11:12:49.6
  CHECK(t.hour == 11);
  CHECK(t.weekday == 1);
}

TEST_CASE("daily and weekly cycles: Monday midnight is angle 0, noon is half a day") {
  using dlrm::prep::time_cycles;
  auto c = time_cycles(4 * 86400.0);  // Monday 1970-01-05 00:00
  CHECK(c.day_sin == doctest::Approx(0.0));
  CHECK(c.day_cos == doctest::Approx(1.0));
  CHECK(c.week_sin == doctest::Approx(0.0));
  CHECK(c.week_cos == doctest::Approx(1.0));
  c = time_cycles(4 * 86400.0 + 43200.0);
  CHECK(c.day_sin == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(c.day_cos == doctest::Approx(-1.0));
  CHECK(c.week_sin == doctest::Approx(std::sin(2 * kPi * 0.5 / 7)));
  c = time_cycles(-86400.0 * 4 + 6 * 3600.0);  // Sunday 1969-12-28 06:00
  CHECK(c.day_sin == doctest::Approx(1.0));
  CHECK(c.week_cos == doctest::Approx(std::cos(2 * kPi * (6.25 / 7))));
}
