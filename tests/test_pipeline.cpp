#include "dlrm/preprocessing/pipeline.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <sstream>
#include <string>
#include <vector>

using namespace dlrm::prep;

// ---- a counting global operator new, for the no-allocation test --------------------------
// Every plain form is replaced (new, new[], nothrow, sized deletes), so that no pointer
// crosses between this pair and the runtime's own (the sanitizers replace them too).
static std::atomic<std::size_t> g_allocations{0};
static void* counted_allocation(std::size_t n) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void* operator new(std::size_t n) {
  if (void* p = counted_allocation(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = counted_allocation(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_allocation(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_allocation(n); }
// noinline: GCC 12 otherwise sees free() of a pointer from operator new at the call sites
// (-Wmismatched-new-delete), which is what a replacement pair of these functions is.
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

static const double nan_ = std::numeric_limits<double>::quiet_NaN();
static const double base = 1556150400;  // Thursday 2019-04-25 00:00:00 UTC

// ---- building tables by hand, the way load_table() types them ----------------------------
static void push_text(TextColumn& c, const std::string& v) {
  std::uint32_t code = 0;
  if (!v.empty()) {
    for (std::uint32_t i = 1; i < c.values.size(); ++i)
      if (c.values[i] == v) code = i;
    if (code == 0) {
      code = static_cast<std::uint32_t>(c.values.size());
      c.values.push_back(v);
    }
  }
  c.codes.push_back(code);
}

static ColumnSpec column(const std::string& name, Role role, Impute impute = Impute::none,
                         bool indicator = false, std::size_t buckets = 0, std::size_t min_frequency = 1) {
  ColumnSpec c;
  c.name = name;
  c.role = role;
  c.impute = impute;
  c.missing_indicator = indicator;
  c.buckets = buckets;
  c.min_frequency = min_frequency;
  return c;
}

static WindowSpec window(const std::string& name, WindowKind kind, const std::string& key,
                         const std::string& value, double seconds) {
  WindowSpec w;
  w.name = name;
  w.kind = kind;
  w.key = key;
  w.value = value;
  w.seconds = seconds;
  return w;
}

// The hand-made case: 4 rows, every feature kind.
static Schema hand_schema() {
  Schema s;
  s.columns = {column("ts", Role::time),
               column("temp", Role::numeric, Impute::ffill, true),
               column("len", Role::numeric),
               column("state", Role::categorical, Impute::ffill),
               column("src", Role::hashed, Impute::none, false, 16),
               column("label", Role::label)};
  s.positive = {"1"};
  s.windows = {window("pkts", WindowKind::count, "src", "", 10),
               window("bytes", WindowKind::sum, "src", "len", 10)};
  s.scaler = ScalerKind::minmax;
  return s;
}

static Table hand_table(const std::vector<std::string>& states, const std::vector<std::string>& srcs) {
  Table t;
  t.source = "hand.csv";
  t.time = {base, base + 5, base + 8, base + 13 * 3600 + 30};
  t.line = {2, 3, 4, 5};
  t.label = {0, 0, 0, 1};
  t.numeric = {NumericColumn{"temp", {nan_, 20, nan_, 24}}, NumericColumn{"len", {10, 20, nan_, 40}}};
  TextColumn state, src;
  state.name = "state";
  src.name = "src";
  for (const auto& v : states) push_text(state, v);
  for (const auto& v : srcs) push_text(src, v);
  t.text = {state, src};
  return t;
}

static std::vector<std::size_t> all_rows(const Table& t) {
  std::vector<std::size_t> r(t.rows());
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = i;
  return r;
}

static std::string saved(const Pipeline& p) {
  std::ostringstream out;
  p.save(out);
  return out.str();
}

TEST_CASE("pipeline on a hand-made table: exact dense values and indices") {
  const Table t = hand_table({"on", "", "off", "on"}, {"a", "b", "a", ""});
  Pipeline p(hand_schema());
  p.fit(t, all_rows(t));
  CHECK(p.dense_width() == 9);
  CHECK(p.dense_names() == std::vector<std::string>{"temp", "len", "temp_missing", "day_sin", "day_cos",
                                                    "week_sin", "week_cos", "pkts", "bytes"});
  CHECK(p.table_names() == std::vector<std::string>{"state", "src", "hour", "weekday"});
  // state: on (3 after ffill), off (1) + unknown; src: 16 buckets; hour; weekday
  CHECK(p.table_sizes() == std::vector<std::size_t>{3, 16, 24, 7});

  const Encoded e = p.transform(t, all_rows(t));
  REQUIRE(e.rows == 4);
  REQUIRE(e.dense_width == 9);
  // temp: median of {20, 24} = 22 before the first reading, then ffill: 22 20 20 24 ->
  //   minmax over [20, 24]. len: no fill, median 20: 10 20 20 40 -> minmax over [10, 40].
  // pkts per src in 10 s: a:1 b:1 a:2 "":1 -> [1, 2]. bytes: a:10 b:20 a:10 (len missing
  //   adds nothing) "":40 -> [10, 40].
  const float third = static_cast<float>(10.0 / 30.0);
  const float expected_scaled[4][5] = {
      {0.5f, 0.0f, 1.0f, 0.0f, 0.0f},
      {0.0f, third, 0.0f, 0.0f, third},
      {0.0f, third, 1.0f, 1.0f, 0.0f},
      {1.0f, 1.0f, 0.0f, 0.0f, 1.0f},
  };
  for (std::size_t r = 0; r < 4; ++r) {
    const float* row = e.dense.data() + r * 9;
    CHECK(row[0] == expected_scaled[r][0]);
    CHECK(row[1] == expected_scaled[r][1]);
    CHECK(row[2] == expected_scaled[r][2]);
    const TimeCycles c = time_cycles(t.time[r]);
    CHECK(row[3] == static_cast<float>(c.day_sin));
    CHECK(row[4] == static_cast<float>(c.day_cos));
    CHECK(row[5] == static_cast<float>(c.week_sin));
    CHECK(row[6] == static_cast<float>(c.week_cos));
    CHECK(row[7] == expected_scaled[r][3]);
    CHECK(row[8] == expected_scaled[r][4]);
  }
  // Thursday 00:00: the week cycle starts on Monday, 3 days before: 3/7 of the way round.
  CHECK(e.dense[5] == static_cast<float>(std::sin(2 * M_PI * 3.0 / 7.0)));
  CHECK(e.dense[3] == 0.0f);
  CHECK(e.dense[4] == 1.0f);
  using I = std::vector<std::int32_t>;
  CHECK(e.indices[0] == I{1, 1, 2, 1});  // on=1 (ffill into row 2), off=2
  CHECK(e.indices[1] == I{6, 5, 6, 0});  // hash_bucket("a", 16) = 6, "b" = 5, missing = 0
  CHECK(e.indices[2] == I{0, 0, 0, 13});
  CHECK(e.indices[3] == I{3, 3, 3, 3});  // Thursday
  for (const auto& o : e.offsets) CHECK(o == I{0, 1, 2, 3});
  CHECK(e.labels == std::vector<float>{0, 0, 0, 1});
  CHECK(e.line == std::vector<std::size_t>{2, 3, 4, 5});
  CHECK(e.time == t.time);
  CHECK(e.unseen == std::vector<std::size_t>{0, 0, 0, 0});

  const dlrm::Batch b = e.batch(1, 2);
  CHECK(b.size == 2);
  CHECK(b.dense.size() == 18);
  CHECK(b.dense[0] == e.dense[9]);
  REQUIRE(b.sparse.size() == 4);
  CHECK(b.sparse[0].indices[1] == 2);
  CHECK(b.sparse[0].offsets[0] == 1);  // relative offsets: a slice needs no copy
  CHECK(b.labels.size() == 2);
  CHECK_THROWS_WITH_AS(e.batch(3, 2), "Encoded::batch: samples [3, 5) are outside the 4 rows",
                       dlrm::InputError);
}

TEST_CASE("fit over a timeline: features as the whole stream gives them, statistics of the train rows") {
  const Table t = hand_table({"on", "", "off", "on"}, {"a", "b", "a", ""});
  const std::vector<std::size_t> train = {2, 3};
  Pipeline over_timeline(hand_schema());
  over_timeline.fit(t, train, all_rows(t));
  const Encoded e = over_timeline.transform(t, all_rows(t)).select(train);
  REQUIRE(e.rows == 2);
  // temp ffilled over the timeline: row 2 carries row 1's 20, row 3 reads 24; minmax over
  // the train rows' [20, 24]. pkts of src a in 10 s: row 2 also counts row 0 (2), row 3's
  // empty src 1; minmax over [1, 2].
  CHECK(e.dense[0] == 0.0f);
  CHECK(e.dense[9 + 0] == 1.0f);
  CHECK(e.dense[7] == 1.0f);
  CHECK(e.dense[9 + 7] == 0.0f);
  CHECK(e.labels == std::vector<float>{0, 1});
  CHECK(e.line == std::vector<std::size_t>{4, 5});
  for (const auto& o : e.offsets) CHECK(o == std::vector<std::int32_t>{0, 1});
  CHECK(e.unseen.empty());

  // Without the timeline the train rows are their own stream: row 2 has no reading of temp
  // yet (the train median, 24) and sees one packet of a; both columns are constant.
  Pipeline alone(hand_schema());
  alone.fit(t, train);
  const Encoded f = alone.transform(t, train);
  CHECK(f.dense[0] == f.dense[9]);
  CHECK(f.dense[7] == f.dense[9 + 7]);
  Pipeline same(hand_schema());
  same.fit(t, train, train);
  CHECK(saved(same) == saved(alone));

  CHECK_THROWS_WITH_AS(over_timeline.fit(t, train, {0, 1, 2}),
                       "pipeline: fit: 1 train rows are not in the timeline; pass a timeline that "
                       "holds them all",
                       dlrm::Error);
  const Encoded all = over_timeline.transform(t, all_rows(t));
  CHECK_THROWS_WITH_AS(all.select({1, 4}), "Encoded::select: position 4 is outside the 4 rows",
                       dlrm::InputError);
  CHECK_THROWS_WITH_AS(all.select({2, 2}), "Encoded::select: position 2 is not after the one before it",
                       dlrm::InputError);
}

TEST_CASE("unseen values map to 0 and are counted; missing ones are not") {
  const Table train = hand_table({"on", "", "off", "on"}, {"a", "b", "a", ""});
  Pipeline p(hand_schema());
  p.fit(train, all_rows(train));
  const Table test = hand_table({"dim", "on", "", "blink"}, {"a", "c", "a", "b"});
  const Encoded e = p.transform(test, all_rows(test));
  CHECK(e.indices[0] == std::vector<std::int32_t>{0, 1, 1, 0});  // "" is ffilled from "on"
  CHECK(e.unseen == std::vector<std::size_t>{2, 0, 0, 0});       // dim, blink; hashing has no unseen
  CHECK(p.vocabulary("state")->value(2) == "off");
  CHECK(p.vocabulary("src") == nullptr);
}

TEST_CASE("z-score, clip, constant fill and indicators of text columns") {
  Schema s;
  s.columns = {column("ts", Role::time), column("x", Role::numeric, Impute::constant),
               column("door", Role::categorical, Impute::constant, true), column("label", Role::label)};
  s.columns[1].fill_value = "-1";
  s.columns[2].fill_value = "closed";
  s.time_features = false;
  s.scaler = ScalerKind::zscore;
  s.clip = true;
  Table t;
  t.time = {1, 2, 3, 4};
  t.line = {2, 3, 4, 5};
  t.label = {0, 1, 0, 0};
  t.numeric = {NumericColumn{"x", {1, nan_, 3, 5}}};  // filled: 1 -1 3 5 -> mean 2, sd sqrt(5)
  TextColumn door;
  door.name = "door";
  for (const char* v : {"open", "", "", "open"}) push_text(door, v);
  t.text = {door};
  Pipeline p(s);
  p.fit(t, {0, 1, 2});  // filled 1 -1 3: mean 1, sd sqrt(8/3); door: open 1, closed 2
  CHECK(p.dense_names() == std::vector<std::string>{"x", "door_missing"});
  CHECK(p.table_sizes() == std::vector<std::size_t>{3});
  const Encoded e = p.transform(t, all_rows(t));
  const double sd = std::sqrt(8.0 / 3.0);
  CHECK(e.dense == std::vector<float>{0.0f, 0.0f, static_cast<float>(-2 / sd), 1.0f,
                                      static_cast<float>(2 / sd), 1.0f,
                                      static_cast<float>(2 / sd) /* 5 clipped to 3 */, 0.0f});
  CHECK(e.indices[0] == std::vector<std::int32_t>{2, 1, 1, 2});  // closed (2 of 3) = 1, open = 2
}

// ---- a random timeline, as CSV fields and as the Table load_table() would make ----------
struct Timeline {
  std::vector<std::string> header = {"ts", "uid", "temp", "len", "state", "src", "dst", "label"};
  std::vector<std::vector<std::string>> rows;  // raw fields
  Table table;
};

static std::string number_string(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

static Timeline random_timeline(std::uint64_t seed, std::size_t n) {
  std::uint64_t s = seed;
  auto next = [&] {
    s += 0x9e3779b97f4a7c15ULL;  // splitmix64
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  Timeline tl;
  double t = base + 3600 * 22;  // crosses midnight into Friday
  for (std::size_t i = 0; i < n; ++i) {
    t += double(next() % 2000) / 100.0;  // up to 20 s, ties possible
    std::vector<std::string> f(8);
    f[0] = number_string(t);
    f[1] = "u" + std::to_string(i);
    f[2] = next() % 3 == 0 ? "" : number_string(15 + double(next() % 1000) / 100.0);
    f[3] = next() % 5 == 0 ? "" : std::to_string(40 + next() % 1460);
    const char* states[] = {"", "on", "off", "idle"};
    f[4] = states[next() % 4];
    f[5] = next() % 9 == 0 ? "" : "10.0.0." + std::to_string(next() % 12);
    f[6] = "192.168.1." + std::to_string(next() % 6);
    f[7] = next() % 4 == 0 ? "1" : "0";
    tl.rows.push_back(f);
  }
  Table& tb = tl.table;
  tb.source = "random.csv";
  tb.numeric = {NumericColumn{"temp", {}}, NumericColumn{"len", {}}};
  tb.text.resize(3);
  tb.text[0].name = "state";
  tb.text[1].name = "src";
  tb.text[2].name = "dst";
  for (std::size_t i = 0; i < n; ++i) {
    const auto& f = tl.rows[i];
    tb.time.push_back(*parse_number(f[0]));
    tb.line.push_back(i + 2);
    tb.label.push_back(f[7] == "1" ? 1 : 0);
    tb.numeric[0].values.push_back(f[2].empty() ? nan_ : *parse_number(f[2]));
    tb.numeric[1].values.push_back(f[3].empty() ? nan_ : *parse_number(f[3]));
    push_text(tb.text[0], f[4]);
    push_text(tb.text[1], f[5]);
    push_text(tb.text[2], f[6]);
  }
  return tl;
}

static Schema random_schema() {
  Schema s;
  s.columns = {column("ts", Role::time),
               column("uid", Role::drop),
               column("temp", Role::numeric, Impute::ffill, true),
               column("len", Role::numeric, Impute::none, true),
               column("state", Role::categorical, Impute::ffill, true, 0, 2),
               column("src", Role::hashed, Impute::none, false, 64),
               column("dst", Role::categorical),
               column("label", Role::label)};
  s.positive = {"1"};
  s.windows = {window("pkts_src_10s", WindowKind::count, "src", "", 10),
               window("bytes_src_10s", WindowKind::sum, "src", "len", 10),
               window("dsts_src_30s", WindowKind::distinct, "src", "dst", 30),
               window("since_state", WindowKind::since_change, "", "state", 0),
               window("len_values_per_temp", WindowKind::distinct, "temp", "len", 60)};
  return s;
}

static std::vector<std::size_t> range(std::size_t begin, std::size_t end) {
  std::vector<std::size_t> r;
  for (std::size_t i = begin; i < end; ++i) r.push_back(i);
  return r;
}

TEST_CASE("fit reads the training rows only: other rows changing changes nothing") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Timeline a = random_timeline(seed, 300);
    Table changed = a.table;
    std::uint64_t s = seed * 77;
    for (std::size_t r = 200; r < changed.rows(); ++r) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      changed.numeric[0].values[r] = double(s >> 40);
      changed.numeric[1].values[r] = (s >> 20) % 2 ? nan_ : -5.0;
      changed.label[r] = 1 - changed.label[r];
      changed.text[0].codes[r] = 0;
      changed.text[2].values.push_back("unseen" + std::to_string(r));
      changed.text[2].codes[r] = static_cast<std::uint32_t>(changed.text[2].values.size() - 1);
      changed.time[r] += 1000;
    }
    Pipeline p(random_schema()), q(random_schema());
    p.fit(a.table, range(0, 200));
    q.fit(changed, range(0, 200));
    CHECK(saved(p) == saved(q));
    // and the test can fail: a training row changing does change the state
    Table train_changed = a.table;
    train_changed.numeric[0].values[10] = 1e6;
    Pipeline w(random_schema());
    w.fit(train_changed, range(0, 200));
    CHECK(saved(w) != saved(p));
  }
}

TEST_CASE("save / load round trip is exact") {
  const Timeline tl = random_timeline(11, 400);
  Schema schema = random_schema();
  schema.time_format = "";
  Pipeline p(schema);
  p.fit(tl.table, range(0, 250));
  const std::string text = saved(p);
  std::istringstream in(text);
  const Pipeline q = Pipeline::load(in);
  CHECK(saved(q) == text);
  CHECK(q.dense_names() == p.dense_names());
  CHECK(q.table_sizes() == p.table_sizes());
  const Encoded a = p.transform(tl.table, all_rows(tl.table));
  const Encoded b = q.transform(tl.table, all_rows(tl.table));
  CHECK(a.dense == b.dense);
  CHECK(a.indices == b.indices);
  CHECK(a.unseen == b.unseen);
  CHECK(text.rfind("dlrm-pipeline 1\n", 0) == 0);

  // names and values with spaces, newlines, colons and digits survive the text form
  Schema odd = hand_schema();
  odd.columns[3].name = "state 2:\n x";
  odd.columns[3].fill_value = "12:34 ";
  odd.columns[3].impute = Impute::constant;
  odd.time_format = "";
  Table ot = hand_table({"o n", "", "3:x\ny", "o n"}, {"a", "b", "a", ""});
  ot.text[0].name = "state 2:\n x";
  Pipeline op(odd);
  op.fit(ot, all_rows(ot));
  std::istringstream odd_in(saved(op));
  const Pipeline oq = Pipeline::load(odd_in);
  CHECK(saved(oq) == saved(op));
  // "o n" twice, then the fill "12:34 " and "3:x\ny" once each, ties in byte order
  CHECK(oq.vocabulary("state 2:\n x")->index("o n") == 1);
  CHECK(oq.vocabulary("state 2:\n x")->index("12:34 ") == 2);
  CHECK(oq.vocabulary("state 2:\n x")->index("3:x\ny") == 3);
  CHECK(oq.transform(ot, all_rows(ot)).dense == op.transform(ot, all_rows(ot)).dense);

  // broken states
  std::istringstream truncated(text.substr(0, text.size() / 2));
  CHECK_THROWS_AS(Pipeline::load(truncated), dlrm::FormatError);
  std::istringstream newer("dlrm-pipeline 2\n");
  CHECK_THROWS_WITH_AS(Pipeline::load(newer),
                       "pipeline state: version 2 is newer than this library reads (1); update the library",
                       dlrm::FormatError);
  std::istringstream other("hello");
  CHECK_THROWS_WITH_AS(Pipeline::load(other),
                       "pipeline state: expected 'dlrm-pipeline', found \"hello\" at byte 0; the stream is "
                       "truncated or not a saved Pipeline",
                       dlrm::FormatError);
  std::istringstream bad_number("dlrm-pipeline 1\nschema 0: 1 0 0\npositive 1 1:1 \ncolumns x");
  CHECK_THROWS_WITH_AS(Pipeline::load(bad_number),
                       "pipeline state: expected a count, found \"x\" at byte 56; the stream is truncated or not a "
                       "saved Pipeline",
                       dlrm::FormatError);
  std::istringstream cut("dlrm-pipeline 1\nschema 0: 1 0 0\npositive 1 1:1 \ncolumns 1\ncolumn 5:ab");
  CHECK_THROWS_WITH_AS(Pipeline::load(cut),
                       "pipeline state: unexpected end inside a string at byte 65; the stream is truncated or not "
                       "a saved Pipeline",
                       dlrm::FormatError);
}

static std::vector<std::string_view> views(const std::vector<std::string>& f) {
  return std::vector<std::string_view>(f.begin(), f.end());
}

TEST_CASE("Stream gives exactly the batch transform's outputs on the same rows") {
  for (std::uint64_t seed : {5u, 6u}) {
    const Timeline tl = random_timeline(seed, 600);
    Pipeline p(random_schema());
    p.fit(tl.table, range(0, 400));
    const auto rows = range(350, 600);  // includes training rows: state starts empty anyway
    const Encoded e = p.transform(tl.table, rows);
    Pipeline::Stream s = p.stream(tl.header);
    std::vector<float> dense(p.dense_width());
    std::vector<std::int32_t> idx(s.tables());
    std::size_t mismatches = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      double t = 0;
      s.transform(views(tl.rows[rows[k]]), rows[k] + 2, dense.data(), idx.data(), &t);
      CHECK(t == e.time[k]);
      for (std::size_t d = 0; d < dense.size(); ++d)
        if (dense[d] != e.dense[k * e.dense_width + d]) ++mismatches;
      for (std::size_t j = 0; j < idx.size(); ++j)
        if (idx[j] != e.indices[j][k]) ++mismatches;
    }
    CHECK(mismatches == 0);
    CHECK(s.unseen() == e.unseen);
    // the windows really vary (not a constant that would match trivially)
    float lo = 1e30f, hi = -1e30f;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const float v = e.dense[k * e.dense_width + e.dense_width - 3];  // dsts_src_30s
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    CHECK(hi > lo);
  }
}

TEST_CASE("Stream with a date and a time column, and boolean spellings, matches the batch") {
  Schema s;
  s.columns = {column("date", Role::time), column("time", Role::time),
               column("door", Role::categorical, Impute::ffill), column("label", Role::label)};
  s.columns[2].boolean = true;
  s.positive = {"1"};
  s.windows = {window("since_door", WindowKind::since_change, "", "door", 0)};
  s.scaler = ScalerKind::minmax;
  const std::vector<std::vector<std::string>> raw = {
      {"25-Apr-19", "19:19:40", "true", "0"}, {"25-Apr-19", " 19:19:45 ", "", "0"},
      {"25-Apr-19", "19:20:00", " off", "1"}, {"26-Apr-19", "01:00:00", "ON", "0"}};
  Table t;
  TextColumn door;
  door.name = "door";
  for (const auto& r : raw) {
    t.time.push_back(parse_time(r[0] + " " + std::string(trim(r[1]))));
    t.line.push_back(t.line.size() + 2);
    t.label.push_back(r[3] == "1" ? 1 : 0);
    const auto b = parse_boolean(r[2]);
    push_text(door, b ? (*b ? "1" : "0") : "");
  }
  t.text = {door};
  Pipeline p(s);
  p.fit(t, all_rows(t));
  const Encoded e = p.transform(t, all_rows(t));
  CHECK(e.indices[0] == std::vector<std::int32_t>{1, 1, 2, 1});  // "1" x3 after ffill, "0"
  CHECK(e.indices[1] == std::vector<std::int32_t>{19, 19, 19, 1});
  CHECK(e.indices[2] == std::vector<std::int32_t>{3, 3, 3, 4});
  auto stream = p.stream({"date", "time", "door", "label"});
  std::vector<float> dense(p.dense_width());
  std::int32_t idx[3];
  for (std::size_t k = 0; k < raw.size(); ++k) {
    double when = 0;
    CHECK(stream.transform(views(raw[k]), k + 2, dense.data(), idx, &when));
    CHECK(when == t.time[k]);
    for (std::size_t d = 0; d < dense.size(); ++d) CHECK(dense[d] == e.dense[k * e.dense_width + d]);
    for (std::size_t j = 0; j < 3; ++j) CHECK(idx[j] == e.indices[j][k]);
  }
  // since_door in seconds: 0, 5 (ffilled, unchanged), 0 (off), 0 (on again) -> minmax [0, 5]
  REQUIRE(e.dense_width == 5);
  CHECK(e.dense[4] == 0.0f);
  CHECK(e.dense[9] == 1.0f);
  CHECK(e.dense[14] == 0.0f);
  CHECK(e.dense[19] == 0.0f);
}

TEST_CASE("Stream allocates nothing in steady state") {
  const Timeline tl = random_timeline(9, 300);
  Pipeline p(random_schema());
  p.fit(tl.table, range(0, 300));
  Pipeline::Stream s = p.stream(tl.header);
  // Three passes over the same events, each shifted by a day: pass 1 and 2 warm the state
  // up (keys, values, ring and map capacities, including a pass boundary); pass 3 is measured.
  std::vector<std::vector<std::vector<std::string>>> passes(3, tl.rows);
  std::vector<std::vector<std::vector<std::string_view>>> fields(3);
  for (int pass = 0; pass < 3; ++pass)
    for (auto& row : passes[pass]) {
      row[0] = number_string(*parse_number(row[0]) + 86400.0 * pass);
      fields[pass].push_back(views(row));
    }
  std::vector<float> dense(p.dense_width());
  std::vector<std::int32_t> idx(s.tables());
  double t = 0;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t k = 0; k < fields[pass].size(); ++k)
      s.transform(fields[pass][k], k + 2, dense.data(), idx.data(), &t);
  {  // the counter does count
    const std::size_t start = g_allocations.load();
    std::vector<int> probe(100);
    CHECK(g_allocations.load() - start == 1);
  }
  const std::size_t before = g_allocations.load();
  for (std::size_t k = 0; k < fields[2].size(); ++k)
    s.transform(fields[2][k], k + 2, dense.data(), idx.data(), &t);
  const std::size_t after = g_allocations.load();
  CHECK(after - before == 0);
  CHECK(t == *parse_number(passes[2].back()[0]));
}

TEST_CASE("pipeline errors") {
  const Table t = hand_table({"on", "", "off", "on"}, {"a", "b", "a", ""});
  Pipeline p(hand_schema());
  CHECK_THROWS_WITH_AS(p.transform(t, all_rows(t)), "pipeline: transform before fit; call fit(table, train_rows) first",
                       dlrm::Error);
  CHECK_THROWS_WITH_AS(p.fit(t, {}), "pipeline: fit needs at least one training row", dlrm::Error);
  CHECK_THROWS_WITH_AS(p.fit(t, {0, 2, 1}),
                       "pipeline: fit: rows must be in time order, but row 1 (line 3) at 2019-04-25 00:00:05 comes "
                       "after 2019-04-25 00:00:08; pass the rows of a Part from split()",
                       dlrm::Error);
  CHECK_THROWS_WITH_AS(p.fit(t, {0, 9}), "pipeline: fit: row 9 is outside hand.csv (4 rows)", dlrm::Error);
  Table no_len = t;
  no_len.numeric.pop_back();
  CHECK_THROWS_WITH_AS(p.fit(no_len, {0}),
                       "pipeline: hand.csv has no numeric column 'len' of 4 rows; load the table with the "
                       "pipeline's schema",
                       dlrm::Error);
  Table empty_temp = t;
  empty_temp.numeric[0].values = {nan_, nan_, nan_, 1};
  CHECK_THROWS_WITH_AS(p.fit(empty_temp, {0, 1, 2}),
                       "impute 'temp': no value in the training rows to take the median of; drop the column or "
                       "give it a constant fill",
                       dlrm::Error);

  Schema s = hand_schema();
  s.windows.push_back(window("w", WindowKind::distinct, "", "label", 5));
  CHECK_THROWS_WITH_AS(Pipeline{s},
                       "pipeline: window 'w' reads column 'label', which has role label; windows read numeric, "
                       "categorical or hashed columns",
                       dlrm::Error);
  s = hand_schema();
  s.windows.push_back(window("w", WindowKind::sum, "", "state", 5));
  CHECK_THROWS_WITH_AS(Pipeline{s}, "pipeline: window 'w' sums column 'state', which is not numeric", dlrm::Error);
  s = hand_schema();
  s.windows.push_back(window("w", WindowKind::distinct, "", "nope", 5));
  CHECK_THROWS_WITH_AS(Pipeline{s},
                       "pipeline: window 'w' reads column 'nope', which is not in the schema; windows read "
                       "numeric, categorical or hashed columns",
                       dlrm::Error);
  s = hand_schema();
  s.columns[4].buckets = 1;
  CHECK_THROWS_WITH_AS(Pipeline{s},
                       "pipeline: column 'src' is hashed with 1 buckets; give it at least 2 (bucket 0 is missing)",
                       dlrm::Error);
  s = hand_schema();
  s.columns[2].impute = Impute::constant;
  s.columns[2].fill_value = "n/a";
  CHECK_THROWS_WITH_AS(Pipeline{s},
                       "pipeline: column 'len' has the constant fill \"n/a\", which is not a number; give a number",
                       dlrm::Error);
  s = hand_schema();
  s.columns[0].role = Role::drop;
  CHECK_THROWS_WITH_AS(Pipeline{s},
                       "pipeline: the schema needs one time column (or a date and a time column), it has 0",
                       dlrm::Error);

  p.fit(t, all_rows(t));
  CHECK_THROWS_WITH_AS(p.transform(t, {1, 0}),
                       "pipeline: transform: rows must be in time order, but row 0 (line 2) at 2019-04-25 00:00:00 "
                       "comes after 2019-04-25 00:00:05; pass the rows of a Part from split()",
                       dlrm::Error);
  CHECK_THROWS_WITH_AS(p.stream({"ts", "temp", "len", "state", "label"}),
                       "pipeline: the stream's header has no column 'src' of the schema; send the fields of the "
                       "file the pipeline was fitted on",
                       dlrm::Error);
  auto st = p.stream({"ts", "temp", "len", "state", "src", "label"});
  std::vector<float> dense(p.dense_width());
  std::int32_t idx[4];
  double when = 0;
  auto send = [&](std::vector<std::string_view> f) { return st.transform(f, 7, dense.data(), idx, &when); };
  CHECK_THROWS_WITH_AS(send({"1556150400", "1"}), "stream:7: expected 6 fields (as the header), found 2",
                       dlrm::ParseError);
  CHECK_THROWS_WITH_AS(send({"1556150400", "2x", "", "on", "a", "0"}),
                       "stream:7: column 2 (temp): \"2x\" is not a number", dlrm::ParseError);
  CHECK_THROWS_WITH_AS(send({"yesterday", "", "", "on", "a", "0"}),
                       "stream:7: column 1 (ts): \"yesterday\" is not a time (expected epoch seconds, ISO 8601, "
                       "dd-Mon-yy HH:MM:SS or dd/mm/yyyy HH:MM:SS; or set a time format)",
                       dlrm::ParseError);
  CHECK_THROWS_WITH_AS(send({"", "", "", "on", "a", "0"}), "stream:7: column 1 (ts): the time is missing",
                       dlrm::ParseError);
  CHECK(send({"1556150410", "", "", "on", "a", "0"}));
  CHECK_FALSE(send({"1556150411", "", "", "dim", "a", "0"}));  // unseen category
  CHECK(st.unseen()[0] == 1);
  CHECK_THROWS_WITH_AS(send({"1556150405", "", "", "on", "a", "0"}),
                       "stream:7: event at 2019-04-25 00:00:05 comes before the previous one at 2019-04-25 00:00:11; "
                       "events must come in time order",
                       dlrm::InputError);
}

// ---- end to end on the real public captures in ../shared/data (skipped when absent) -----
#include <filesystem>
#include <fstream>

#include "dlrm/preprocessing/infer.hpp"
#include "dlrm/preprocessing/table.hpp"

namespace {

struct Capture {
  const char* file;
  std::size_t rows;       // README tables
  std::size_t anomalous;  // README tables (TON_IoT: checked against the label column only)
  bool ton;
};

std::size_t data_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::size_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n - 1;  // the header
}

void add_window_if(Schema& s, const std::string& name, WindowKind kind, const std::string& key,
                   const std::string& value, double seconds) {
  auto usable = [&](const std::string& c, bool numeric_only) {
    if (c.empty()) return true;
    const ColumnSpec* spec = s.find(c);
    if (!spec) return false;
    if (numeric_only) return spec->role == Role::numeric;
    return spec->role == Role::numeric || spec->role == Role::categorical || spec->role == Role::hashed;
  };
  if (usable(key, false) && usable(value, kind == WindowKind::sum)) s.windows.push_back(window(name, kind, key, value, seconds));
}

}  // namespace

TEST_CASE("end to end on ../shared/data: infer, load, split, fit, transform, stream") {
  const std::filesystem::path root = DLRM_SHARED_DATA;
  if (!std::filesystem::exists(root / "iot23") || !std::filesystem::exists(root / "ton_iot")) {
    MESSAGE("skipped: " << root.string() << " not found");
    return;
  }
  const Capture captures[] = {
      {"iot23/CTU-Honeypot-Capture-4-1-labeled.csv", 452, 0, false},
      {"iot23/CTU-Malware-Capture-8-1-labeled.csv", 2181 + 8222, 8222, false},
      {"iot23/CTU-Malware-Capture-20-1-labeled.csv", 3193 + 16, 16, false},
      {"iot23/CTU-Malware-Capture-34-1-labeled.csv", 1923 + 21222, 21222, false},
      {"ton_iot/Train_Test_IoT_Fridge.csv", 39944, 0, true},
      {"ton_iot/Train_Test_IoT_Thermostat.csv", 32774, 0, true},
      {"ton_iot/Train_Test_IoT_Weather.csv", 39260, 0, true},
      {"ton_iot/Train_Test_IoT_Garage_Door.csv", 39587, 0, true},
      {"ton_iot/Train_Test_IoT_Motion_Light.csv", 39488, 0, true},
  };
  for (const Capture& c : captures) {
    const std::string path = (root / c.file).string();
    CAPTURE(path);
    Schema schema = infer_schema(path, InferOptions{});
    // (infer drops id.orig_h where the sample shows one source: key by the responder then)
    add_window_if(schema, "flows_per_src_60s", WindowKind::count, "id.orig_h", "", 60);
    add_window_if(schema, "bytes_per_src_60s", WindowKind::sum, "id.orig_h", "orig_bytes", 60);
    add_window_if(schema, "dsts_per_src_60s", WindowKind::distinct, "id.orig_h", "id.resp_h", 60);
    add_window_if(schema, "flows_per_dst_10s", WindowKind::count, "id.resp_h", "", 10);
    add_window_if(schema, "bytes_per_dst_10s", WindowKind::sum, "id.resp_h", "orig_bytes", 10);
    add_window_if(schema, "ports_per_dst_30s", WindowKind::distinct, "id.resp_h", "id.orig_p", 30);
    add_window_if(schema, "since_conn_state", WindowKind::since_change, "", "conn_state", 0);
    if (!c.ton) CHECK(schema.windows.size() >= 4);
    for (const auto& col : schema.columns)
      if (c.ton && col.role == Role::categorical) {
        add_window_if(schema, "since_" + col.name, WindowKind::since_change, "", col.name, 0);
        break;
      }
    const Table table = load_table(path, schema);
    REQUIRE(table.rows() == c.rows);
    CHECK(table.rows() == data_lines(path));
    REQUIRE(table.label.size() == c.rows);
    std::size_t anomalous = 0;
    for (auto l : table.label) anomalous += l ? 1 : 0;
    if (!c.ton) CHECK(anomalous == c.anomalous);
    if (c.ton) CHECK(anomalous > 0);

    SplitOptions o;
    if (c.ton) {
      o.kind = SplitKind::normal_then_anomalous;
      o.supervised = false;
    } else if (c.anomalous == 0) {
      o.kind = SplitKind::by_time;
      o.supervised = false;
    } else {
      o.kind = SplitKind::per_class;
    }
    const Split parts = split(table, o);
    CHECK(parts.train.rows.size() + parts.validation.rows.size() + parts.test.rows.size() == table.rows());
    if (c.ton) {
      CHECK(parts.train.positives == 0);
      CHECK(parts.test.positives == anomalous);
      // TON_IoT's normal rows all precede the attacks: the training period ends before them
      CHECK(parts.train.end < parts.test.end);
      const Split supervised = split(table, SplitOptions{});  // per_class works there too
      CHECK(supervised.train.positives > 0);
    }
    Pipeline p(schema);
    p.fit(table, parts.train.rows);
    for (const Part* part : {&parts.train, &parts.validation, &parts.test}) {
      const Encoded e = p.transform(table, part->rows);
      CHECK(e.rows == part->rows.size());
      CHECK(e.dense.size() == e.rows * p.dense_width());
      CHECK(e.indices.size() == p.table_sizes().size());
      std::size_t positives = 0;
      for (float l : e.labels) positives += l == 1.0f ? 1 : 0;
      CHECK(positives == part->positives);
      bool finite = true, in_range = true;
      for (float v : e.dense) finite = finite && std::isfinite(v);
      const auto sizes = p.table_sizes();
      for (std::size_t t = 0; t < sizes.size(); ++t)
        for (std::int32_t i : e.indices[t]) in_range = in_range && i >= 0 && std::size_t(i) < sizes[t];
      CHECK(finite);
      CHECK(in_range);
    }
    // A live stream over the file's records in time order (the table's order: the captures
    // are not sorted on disk) equals the batch transform of all rows.
    std::vector<std::size_t> all(table.rows());
    for (std::size_t r = 0; r < all.size(); ++r) all[r] = r;
    const Encoded e = p.transform(table, all);
    CsvReader reader(path);
    std::vector<std::vector<std::string>> records;  // by line - 2
    std::vector<std::string_view> fields;
    std::size_t out_of_line = 0;
    while (reader.next(fields)) {
      out_of_line += reader.line() == records.size() + 2 ? 0 : 1;
      records.emplace_back(fields.begin(), fields.end());
    }
    REQUIRE(out_of_line == 0);  // one physical line per record in these files
    Pipeline::Stream s = p.stream(reader.header());
    std::vector<float> dense(p.dense_width());
    std::vector<std::int32_t> idx(s.tables());
    std::size_t k = 0, mismatches = 0;
    double when = 0;
    for (std::size_t r = 0; r < table.rows(); ++r) {
      const auto& record = records.at(table.line[r] - 2);
      fields.assign(record.begin(), record.end());
      s.transform(fields, table.line[r], dense.data(), idx.data(), &when);
      if (when != e.time[k]) ++mismatches;
      for (std::size_t d = 0; d < dense.size(); ++d)
        if (dense[d] != e.dense[k * e.dense_width + d]) ++mismatches;
      for (std::size_t j = 0; j < idx.size(); ++j)
        if (idx[j] != e.indices[j][k]) ++mismatches;
      ++k;
    }
    CHECK(k == table.rows());
    CHECK(mismatches == 0);
    CHECK(s.unseen() == e.unseen);
  }
}
