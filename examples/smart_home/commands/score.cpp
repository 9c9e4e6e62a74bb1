// dlrm-anomaly score: one line "timestamp,score,flag" per input event, in input order.
// Reads line by line (so that it can sit at the end of `tail -f`), splits each line with
// the CSV rules, runs the causal preprocessing stream and the model on one event.
// A malformed line is reported on stderr with its line number and skipped (--strict:
// the first one stops the command with exit 1).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <iostream>
#include <string>
#include <vector>

#include "app.hpp"
#include "artifact.hpp"
#include "data.hpp"
#include "dlrm/error.hpp"
#include "dlrm/preprocessing.hpp"
#include "explanations.hpp"

namespace app {
namespace {

using Clock = std::chrono::steady_clock;

// The timestamp as the input wrote it (date and time columns joined by a space).
void append_timestamp(std::string& out, const std::vector<std::string_view>& fields,
                      const std::vector<std::size_t>& time_columns) {
  std::string_view parts[2];
  std::size_t n = 0;
  for (std::size_t c : time_columns)
    if (n < 2) parts[n++] = fields[c];
  bool quote = false;
  for (std::size_t i = 0; i < n; ++i)
    quote = quote || parts[i].find_first_of(",\"") != std::string_view::npos;
  if (quote) out += '"';
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ' ';
    for (char ch : parts[i]) {
      if (ch == '"') out += '"';
      out += ch;
    }
  }
  if (quote) out += '"';
}

double percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  // Nearest rank: the smallest value with at least q of the values at or below it.
  const double rank = std::ceil(q * static_cast<double>(v.size()));
  const std::size_t k = std::min(v.size() - 1, rank <= 1 ? 0 : static_cast<std::size_t>(rank) - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int run_score(const ScoreArgs& a) {
  Detector d = open_detector(a.model);
  std::ifstream file;
  std::istream* in = &std::cin;
  const std::string name = a.csv.empty() ? std::string("<stdin>") : a.csv;
  if (!a.csv.empty()) {
    file.open(a.csv, std::ios::binary);
    if (!file) throw dlrm::InputError(a.csv + ": cannot open the file; check the path");
    in = &file;
  }

  std::string line;
  std::size_t line_no = 1;
  if (!std::getline(*in, line))
    throw dlrm::InputError(name + ": the input is empty: the first line must be the CSV header");
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  dlrm::prep::LineSplitter splitter;
  std::vector<std::string> header;
  for (auto f : splitter.split(line, name, 1)) header.emplace_back(dlrm::prep::trim(f));
  std::optional<dlrm::prep::Pipeline::Stream> stream;
  try {
    stream.emplace(d.pipeline->stream(header));
  } catch (const dlrm::Error&) {
    for (const auto& c : d.schema.columns)  // name the first missing column, with the file
      if (c.role != dlrm::prep::Role::drop && c.role != dlrm::prep::Role::label &&
          std::find(header.begin(), header.end(), c.name) == header.end())
        throw dlrm::InputError(name + ": the header has no column '" + c.name +
                               "' of the schema; score events with the columns of the file "
                               "the model was trained on");
    throw;
  }

  std::vector<std::size_t> time_columns;
  for (const auto& t : d.schema.names_with(dlrm::prep::Role::time)) {
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c] == t) time_columns.push_back(c);
  }

  const dlrm::Shape& shape = d.model->shape();
  std::vector<float> dense(shape.dense);
  std::vector<std::int32_t> indices(shape.tables.size());
  double time = 0;
  Explainer explainer(d, a.explain, header);

  std::vector<double> latency_us;
  std::size_t scored = 0, flagged = 0, skipped = 0;
  std::string out;
  const auto start = Clock::now();
  while (std::getline(*in, line)) {
    ++line_no;
    const auto t0 = Clock::now();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
    float score = 0;
    const std::vector<std::string_view>* fields = nullptr;
    try {
      fields = &splitter.split(line, name, line_no);
      if (fields->size() != header.size())
        throw dlrm::ParseError(name + ":" + std::to_string(line_no) + ": expected " +
                                   std::to_string(header.size()) +
                                   " fields as in the header, found " +
                                   std::to_string(fields->size()),
                               name, line_no, 0, "");
      // false = a category unseen in training, encoded as unknown: still scored.
      stream->transform(*fields, line_no, dense.data(), indices.data(), &time);
      score = d.model->predict_one(dlrm::span<const float>(dense.data(), dense.size()),
                                   dlrm::span<const std::int32_t>(indices.data(), indices.size()));
    } catch (const dlrm::Error& e) {  // ParseError (a field), InputError (order, values)
      // The stream names itself "stream": say which input and line instead.
      std::string msg = one_line(e.what());
      const std::string prefix = name + ":" + std::to_string(line_no) + ":";
      if (msg.rfind("stream:", 0) == 0) msg = name + msg.substr(6);
      if (msg.rfind(prefix, 0) != 0) msg = prefix + " " + msg;
      if (a.strict) throw dlrm::InputError(msg + " (--strict: stopped)");
      ++skipped;
      std::fflush(stdout);
      std::cerr << "skipped " << msg << "\n";
      continue;
    }
    const bool flag = score >= d.threshold;
    ++scored;
    flagged += flag;
    if (!a.flagged_only || flag) {
      out.clear();
      append_timestamp(out, *fields, time_columns);
      char buf[48];
      std::snprintf(buf, sizeof buf, ",%.6f,%d\n", static_cast<double>(score), flag ? 1 : 0);
      out += buf;
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
    latency_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (flag && a.explain > 0) {
      std::fflush(stdout);
      explainer.explain(name + ":" + std::to_string(line_no), *fields, dense, indices, time, score, std::cerr);
    }
    // Live input: flush when nothing more is waiting, so alerts are not held in a buffer.
    if (in->rdbuf()->in_avail() <= 0) std::fflush(stdout);
  }
  std::fflush(stdout);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (a.stats) {
    std::vector<double> l = latency_us;
    const double p50 = percentile(l, 0.50), p99 = percentile(l, 0.99);
    std::fprintf(stderr,
                 "scored %zu events (%zu flagged, %zu malformed lines skipped) in %.3f s: "
                 "%.0f events/s; latency per event p50 %.1f us, p99 %.1f us\n",
                 scored, flagged, skipped, seconds, seconds > 0 ? scored / seconds : 0.0, p50,
                 p99);
  } else if (skipped > 0) {
    std::fprintf(stderr, "%zu malformed lines skipped\n", skipped);
  }
  return 0;
}

}  // namespace app
