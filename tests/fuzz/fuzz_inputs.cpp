// libFuzzer target over every parser that reads user bytes: the schema text, timestamps,
// a CSV typed by a schema (strict and skipping), the fitted pipeline state, and a model
// artifact (its checksum and length fixed up, so that the fuzzer reaches the sections).
// A dlrm::Error is the expected answer to bad bytes; a crash, a sanitizer report, a hang or
// any other exception is a bug. Built with clang only (-DDLRM_BUILD_FUZZERS=ON);
// scripts/fuzz.sh builds it, makes the seeds and runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>
#include <string_view>

#include "dlrm/dlrm.hpp"
#include "dlrm/preprocessing.hpp"
#include "dlrm/serialize.hpp"

namespace {

using namespace dlrm::prep;

Schema csv_schema() {
  return parse_schema(
      "positive: 1\n"
      "column ts time\n"
      "column temp numeric impute=ffill missing_indicator\n"
      "column state categorical impute=ffill\n"
      "column flag categorical boolean\n"
      "column src hashed buckets=64\n"
      "column label label\n"
      "window n count key=src seconds=10\n"
      "window d distinct key=src value=state seconds=5\n",
      "fuzz schema");
}

void csv(std::string_view text, bool skip) {
  static const Schema schema = csv_schema();
  std::istringstream in{std::string(text)};
  LoadOptions o;
  o.skip_malformed = skip;
  o.chunk_bytes = 64;  // many buffer refills on small inputs
  const Table t = load_table(in, "fuzz.csv", schema, o);
  if (t.rows() < 2) return;
  std::vector<std::size_t> rows(t.rows());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  Pipeline p(schema);
  p.fit(t, rows);
  const Encoded e = p.transform(t, rows);
  std::ostringstream saved;
  p.save(saved);
  std::istringstream back(saved.str());
  Pipeline::load(back);
  (void)e;
}

void artifact(std::string_view data) {
  std::string b(data);
  const std::size_t head = dlrm::Artifact::header_size;
  if (b.size() >= head + 8) {  // make length and checksum right: fuzz what lies past them
    for (int i = 0; i < 8; ++i) b[16 + i] = static_cast<char>((b.size() >> (8 * i)) & 0xff);
    const std::uint64_t sum = dlrm::fnv1a64(std::string_view(b).substr(0, b.size() - 8));
    for (int i = 0; i < 8; ++i) b[b.size() - 8 + i] = static_cast<char>((sum >> (8 * i)) & 0xff);
  }
  const dlrm::Artifact a = dlrm::Artifact::from_bytes(b, "fuzz.dlrm");
  // Each section is tried as each kind (dlrm-anomaly writes meta.json, schema.txt, pipeline
  // and weights.npz; a model section is an .npz with the shape in it).
  for (const std::string& name : a.section_names()) {
    try {
      const dlrm::Shape shape = dlrm::model_shape(a, name);
      std::size_t size = 0;
      for (std::size_t rows : shape.tables) size += rows;
      for (std::size_t w : shape.bottom) size += w;
      for (std::size_t w : shape.top) size += w;
      if (size <= (1u << 16)) {  // a valid but huge model is not this test's point
        dlrm::Dlrm<dlrm::DefaultConfig> m(shape, 1);
        dlrm::get_model(a, m, name);
      }
    } catch (const dlrm::Error&) {
    }
    try {
      parse_schema(a.section(name), "fuzz section");
    } catch (const dlrm::Error&) {
    }
    std::istringstream in(a.section(name));
    Pipeline::load(in);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 6) {
      case 0: parse_schema(text, "fuzz schema"); break;
      case 1: {
        const std::size_t nl = text.find('\n');
        if (nl == std::string_view::npos) parse_time(text);
        else parse_time(text.substr(nl + 1), text.substr(0, nl));
        break;
      }
      case 2: csv(text, false); break;
      case 3: csv(text, true); break;
      case 4: {
        std::istringstream in{std::string(text)};
        Pipeline::load(in);
        break;
      }
      case 5: artifact(text); break;
    }
  } catch (const dlrm::Error&) {
    // the expected answer to bad bytes
  } catch (const std::exception& e) {
    std::fprintf(stderr, "not a dlrm::Error: %s\n", e.what());
    std::abort();
  }
  return 0;
}
