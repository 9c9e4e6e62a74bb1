#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "dlrm/metrics.hpp"
#include "dlrm/report.hpp"

namespace {

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

// Tags open and close in order (void <meta> and <!DOCTYPE> aside, "/>" self-closing).
bool well_formed(const std::string& html, std::string& problem) {
  std::vector<std::string> stack;
  for (std::size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
    const auto end = html.find('>', i);
    if (end == std::string::npos) {
      problem = "unclosed tag at " + std::to_string(i);
      return false;
    }
    std::string tag = html.substr(i + 1, end - i - 1);
    if (tag.empty() || tag[0] == '!') continue;
    if (tag.back() == '/') continue;
    const bool closing = tag[0] == '/';
    std::string name = tag.substr(closing ? 1 : 0);
    name = name.substr(0, name.find_first_of(" \n"));
    if (name == "meta") continue;
    if (!closing) {
      stack.push_back(name);
    } else if (stack.empty() || stack.back() != name) {
      problem = "</" + name + "> closes " + (stack.empty() ? std::string("nothing") : "<" + stack.back() + ">");
      return false;
    } else {
      stack.pop_back();
    }
  }
  if (!stack.empty()) problem = "<" + stack.back() + "> never closed";
  return stack.empty();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

dlrm::report::ReportData sample(std::size_t events) {
  dlrm::report::ReportData r;
  r.title = "Smart home <test> & \"quotes\"";
  r.subtitle = "merged.csv, per_class split";
  r.train_loss = {0.7, 0.4, 0.3, 0.25};
  r.validation_loss = {0.72, 0.45, 0.35, 0.33};
  const double t0 = 1772409600;  // 2026-03-02
  for (std::size_t i = 0; i < events; ++i) {
    const double t = t0 + static_cast<double>(i) * 60;
    const bool anomalous = (i >= events / 2 && i < events / 2 + events / 10) || i == events - 3;
    r.time.push_back(t);
    r.label.push_back(anomalous ? 1.0f : 0.0f);
    r.score.push_back(anomalous ? 0.8f + 0.1f * float(i % 3) : 0.05f * float(i % 7));
  }
  r.roc = dlrm::roc_curve(r.score, r.label);
  r.pr = dlrm::pr_curve(r.score, r.label);
  r.roc_auc = dlrm::roc_auc(r.score, r.label);
  r.pr_auc = dlrm::average_precision(r.score, r.label);
  r.threshold = 0.5;
  r.confusion = dlrm::confusion_at(r.score, r.label, r.threshold);
  r.figures = {{"F1", "1.0000"}, {"rows <all>", std::to_string(events)}};
  return r;
}

std::string render(const dlrm::report::ReportData& r) {
  std::ostringstream out;
  dlrm::report::write_html_report(r, out);
  return out.str();
}

}  // namespace

TEST_CASE("html_escape") {
  CHECK(dlrm::report::html_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  CHECK(dlrm::report::html_escape("plain") == "plain");
}

TEST_CASE("the report is one well-formed page with every plot") {
  const auto r = sample(600);
  const auto html = render(r);
  std::string problem;
  CHECK_MESSAGE(well_formed(html, problem), problem);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  // Self-contained: no scripts, no links, no external references.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  // Each plot's title and elements.
  CHECK(count(html, "<svg ") == 5);
  CHECK(html.find(">Loss per epoch</text>") != std::string::npos);
  CHECK(count(html, "class=\"series-train\"") == 2);       // the line and its legend
  CHECK(count(html, "class=\"series-validation\"") == 2);
  CHECK(html.find(">ROC curve (AUC 1)</text>") != std::string::npos);
  CHECK(html.find(">Precision-recall curve (AP 1)</text>") != std::string::npos);
  CHECK(count(html, "class=\"series-roc\"") == 1);
  CHECK(count(html, "class=\"chance\"") == 1);
  CHECK(count(html, "class=\"series-pr\"") == 1);
  CHECK(html.find(">Anomaly score over time</text>") != std::string::npos);
  CHECK(count(html, "<rect class=\"anomalous\"") == 2);   // the block and the lone late event
  CHECK(count(html, "<circle class=\"dot-anomalous\"") == 61);
  CHECK(count(html, "<circle class=\"dot-normal\"") == 539);
  CHECK(count(html, "class=\"threshold\"") == 1);
  CHECK(html.find(">threshold 0.5</text>") != std::string::npos);
  CHECK(html.find(">Confusion matrix</text>") != std::string::npos);
  CHECK(r.confusion.tp == 61);
  CHECK(r.confusion.tn == 539);
  CHECK(html.find(">61</text><text class=\"cell-name\" x=\"285.0\" y=\"243.0\" text-anchor=\"middle\">TP<") !=
        std::string::npos);
  CHECK(html.find(">539</text>") != std::string::npos);
  // Dates on the time axis.
  CHECK(html.find(">03-02 ") != std::string::npos);
  // Text is escaped.
  CHECK(html.find("<title>Smart home &lt;test&gt; &amp; &quot;quotes&quot;</title>") != std::string::npos);
  CHECK(html.find("<test>") == std::string::npos);
  CHECK(html.find("<th>rows &lt;all&gt;</th>") != std::string::npos);
  CHECK(lower(html).find("nan") == std::string::npos);
  CHECK(lower(html).find("inf") == std::string::npos);
}

TEST_CASE("many events become an envelope; non-finite values never reach the page") {
  auto r = sample(20000);
  r.train_loss.push_back(std::numeric_limits<double>::quiet_NaN());
  r.validation_loss.push_back(std::numeric_limits<double>::infinity());
  r.score[10] = std::numeric_limits<float>::quiet_NaN();
  r.time[11] = std::numeric_limits<double>::quiet_NaN();
  r.roc_auc.reset();
  const auto html = render(r);
  std::string problem;
  CHECK_MESSAGE(well_formed(html, problem), problem);
  CHECK(count(html, "<circle") == 0);
  CHECK(count(html, "class=\"envelope\"") == 1);
  CHECK(html.find(">ROC curve</text>") != std::string::npos);
  CHECK(lower(html).find("nan") == std::string::npos);
  CHECK(lower(html).find("inf") == std::string::npos);
  CHECK(html.size() < 400000);  // thinned curves and the envelope keep the page small
}

TEST_CASE("empty inputs still give a well-formed page that says what is missing") {
  dlrm::report::ReportData r;
  const auto html = render(r);
  std::string problem;
  CHECK_MESSAGE(well_formed(html, problem), problem);
  CHECK(html.find(">no training history</text>") != std::string::npos);
  CHECK(count(html, ">needs both classes</text>") == 2);
  CHECK(html.find(">no scored events</text>") != std::string::npos);
  CHECK(lower(html).find("nan") == std::string::npos);
}

TEST_CASE("mismatched lengths give an exact error") {
  dlrm::report::ReportData r;
  r.time = {1, 2};
  r.score = {0.5f};
  r.label = {0, 1};
  std::ostringstream out;
  CHECK_THROWS_WITH_AS(dlrm::report::write_html_report(r, out),
                       "report: time has 2 values, score 1 and label 2; give one score and one label per time",
                       dlrm::ShapeError);
}
