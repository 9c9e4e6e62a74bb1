#pragma once
// One self-contained HTML page (inline SVG, inline CSS, no scripts, no external assets)
// that shows how a detector was trained and how it does: loss per epoch, ROC and PR
// curves, the score over time with the anomalous periods shaded and the threshold drawn,
// the confusion matrix, and a table of figures. Input is plain data; standard library only.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dlrm/error.hpp"
#include "dlrm/metrics.hpp"

namespace dlrm::report {

struct ReportData {
  std::string title = "Anomaly detector report";
  std::string subtitle;                                     // e.g. the data file and the split
  std::vector<std::pair<std::string, std::string>> figures; // (name, value) rows of the table
  std::vector<double> train_loss, validation_loss;          // per epoch (either may be empty)
  std::vector<CurvePoint> roc, pr;                          // from roc_curve / pr_curve
  std::optional<double> roc_auc, pr_auc;                    // shown in the plot titles
  std::vector<double> time;                                 // epoch seconds, one per scored event
  std::vector<float> score, label;                          // same length as time
  double threshold = 0.5;
  ConfusionMatrix confusion;
};

// Text safe inside HTML elements and attribute values.
inline std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace detail {

// A number for SVG coordinates and labels; never "nan" or "inf" (callers skip those).
inline std::string num(double v, int precision = 4) {
  if (!std::isfinite(v)) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", precision, v);
  return buf;
}
inline std::string coord(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

inline std::string utc_label(double t, bool with_time) {
  const long long s = static_cast<long long>(std::floor(t));
  long long z = (s >= 0 ? s : s - 86399) / 86400 + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const long long sod = ((s % 86400) + 86400) % 86400;
  char buf[32];
  if (with_time)
    std::snprintf(buf, sizeof buf, "%02u-%02u %02lld:%02lld", m, d, sod / 3600, sod / 60 % 60);
  else
    std::snprintf(buf, sizeof buf, "%02u-%02u", m, d);
  return buf;
}

// Round tick steps: 1, 2, 5 x 10^k for numbers; hours and days for time.
inline double nice_step(double range, int target, bool time_axis) {
  if (!(range > 0)) return 1;
  const double raw = range / target;
  if (time_axis) {
    for (double s : {60.0, 300.0, 900.0, 3600.0, 3 * 3600.0, 6 * 3600.0, 12 * 3600.0, 86400.0,
                     2 * 86400.0, 7 * 86400.0, 14 * 86400.0, 28 * 86400.0})
      if (s >= raw) return s;
    return 28 * 86400.0 * std::ceil(raw / (28 * 86400.0));
  }
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

// A plot area with axes, ticks and labels; px/py map data to SVG coordinates.
class Chart {
 public:
  Chart(std::string title, std::string x_label, std::string y_label, double x0, double x1, double y0, double y1,
        bool time_axis = false, double width = 640, double height = 320)
      : title_(std::move(title)), xl_(std::move(x_label)), yl_(std::move(y_label)), x0_(x0), x1_(x1), y0_(y0),
        y1_(y1), time_(time_axis), w_(width), h_(height) {
    if (!(x1_ > x0_)) x1_ = x0_ + 1;
    if (!(y1_ > y0_)) y1_ = y0_ + 1;
  }
  double px(double x) const { return left_ + (x - x0_) / (x1_ - x0_) * (w_ - left_ - right_); }
  double py(double y) const { return h_ - bottom_ + (y - y0_) / (y1_ - y0_) * -(h_ - top_ - bottom_); }
  double plot_left() const { return left_; }
  double plot_right() const { return w_ - right_; }
  double plot_top() const { return top_; }
  double plot_bottom() const { return h_ - bottom_; }

  std::string open(const std::string& css_class) const {
    std::string s = "<figure class=\"" + css_class + "\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    coord(w_) + "\" height=\"" + coord(h_) + "\" viewBox=\"0 0 " + coord(w_) + " " + coord(h_) +
                    "\" role=\"img\"><title>" + html_escape(title_) + "</title>";
    s += "<text class=\"chart-title\" x=\"" + coord(w_ / 2) + "\" y=\"18\" text-anchor=\"middle\">" +
         html_escape(title_) + "</text>";
    // grid and ticks
    const bool with_time = time_ && (x1_ - x0_) < 3 * 86400.0;
    const double xs = nice_step(x1_ - x0_, 6, time_);
    for (double x = std::ceil(x0_ / xs) * xs; x <= x1_ + 1e-9 * xs; x += xs) {
      s += "<line class=\"grid\" x1=\"" + coord(px(x)) + "\" y1=\"" + coord(plot_top()) + "\" x2=\"" + coord(px(x)) +
           "\" y2=\"" + coord(plot_bottom()) + "\"/>";
      s += "<text class=\"tick\" x=\"" + coord(px(x)) + "\" y=\"" + coord(plot_bottom() + 14) +
           "\" text-anchor=\"middle\">" + (time_ ? utc_label(x, with_time) : num(x, 3)) + "</text>";
    }
    const double ys = nice_step(y1_ - y0_, 5, false);
    for (double y = std::ceil(y0_ / ys) * ys; y <= y1_ + 1e-9 * ys; y += ys) {
      s += "<line class=\"grid\" x1=\"" + coord(plot_left()) + "\" y1=\"" + coord(py(y)) + "\" x2=\"" +
           coord(plot_right()) + "\" y2=\"" + coord(py(y)) + "\"/>";
      s += "<text class=\"tick\" x=\"" + coord(plot_left() - 6) + "\" y=\"" + coord(py(y) + 4) +
           "\" text-anchor=\"end\">" + num(std::fabs(y) < 1e-12 * ys ? 0.0 : y, 3) + "</text>";
    }
    s += "<rect class=\"frame\" x=\"" + coord(plot_left()) + "\" y=\"" + coord(plot_top()) + "\" width=\"" +
         coord(plot_right() - plot_left()) + "\" height=\"" + coord(plot_bottom() - plot_top()) + "\"/>";
    s += "<text class=\"axis-label\" x=\"" + coord((plot_left() + plot_right()) / 2) + "\" y=\"" + coord(h_ - 6) +
         "\" text-anchor=\"middle\">" + html_escape(xl_) + "</text>";
    s += "<text class=\"axis-label\" transform=\"translate(14 " + coord((plot_top() + plot_bottom()) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + html_escape(yl_) + "</text>";
    return s;
  }
  static std::string close(const std::string& caption) {
    return "</svg><figcaption>" + html_escape(caption) + "</figcaption></figure>\n";
  }

  // A polyline through the finite points; at most max_points (evenly thinned, ends kept).
  std::string line(const std::vector<std::pair<double, double>>& points, const std::string& css_class,
                   std::size_t max_points = 2000) const {
    std::string d;
    const std::size_t n = points.size();
    const std::size_t stride = n > max_points ? (n + max_points - 1) / max_points : 1;
    for (std::size_t i = 0; i < n; i += stride) {
      const std::size_t k = (i + stride >= n) ? n - 1 : i;
      const auto& p = points[k];
      if (!std::isfinite(p.first) || !std::isfinite(p.second)) continue;
      d += (d.empty() ? "M" : " L") + coord(px(p.first)) + " " + coord(py(p.second));
      if (k == n - 1) break;
    }
    if (d.empty()) return std::string();
    return "<path class=\"" + css_class + "\" d=\"" + d + "\"/>";
  }

 private:
  std::string title_, xl_, yl_;
  double x0_, x1_, y0_, y1_;
  bool time_;
  double w_, h_;
  double left_ = 58, right_ = 18, top_ = 30, bottom_ = 42;
};

inline std::string no_data(const Chart& c, const std::string& why) {
  return "<text class=\"no-data\" x=\"" + coord((c.plot_left() + c.plot_right()) / 2) + "\" y=\"" +
         coord((c.plot_top() + c.plot_bottom()) / 2) + "\" text-anchor=\"middle\">" + html_escape(why) + "</text>";
}

inline std::string legend(const Chart& c, const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string s;
  double y = c.plot_top() + 14;
  for (const auto& e : entries) {
    s += "<line class=\"" + e.second + "\" x1=\"" + coord(c.plot_right() - 120) + "\" y1=\"" + coord(y - 4) +
         "\" x2=\"" + coord(c.plot_right() - 100) + "\" y2=\"" + coord(y - 4) + "\"/>";
    s += "<text class=\"legend\" x=\"" + coord(c.plot_right() - 94) + "\" y=\"" + coord(y) + "\">" +
         html_escape(e.first) + "</text>";
    y += 16;
  }
  return s;
}

inline std::string loss_chart(const ReportData& r) {
  double lo = 1e300, hi = -1e300;
  for (const auto* v : {&r.train_loss, &r.validation_loss})
    for (double x : *v)
      if (std::isfinite(x)) {
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
  const std::size_t epochs = std::max(r.train_loss.size(), r.validation_loss.size());
  const bool empty = hi < lo;
  if (empty) {
    lo = 0;
    hi = 1;
  }
  const double pad = (hi - lo) * 0.08 + 1e-9;
  Chart c("Loss per epoch", "epoch", "BCE loss", 1, std::max<double>(2, static_cast<double>(epochs)),
          std::max(0.0, lo - pad), hi + pad);
  std::string s = c.open("loss");
  if (empty) return s + no_data(c, "no training history") + Chart::close("Training and validation loss per epoch.");
  auto series = [](const std::vector<double>& v) {
    std::vector<std::pair<double, double>> p;
    for (std::size_t i = 0; i < v.size(); ++i) p.push_back({static_cast<double>(i + 1), v[i]});
    return p;
  };
  s += c.line(series(r.train_loss), "series-train");
  s += c.line(series(r.validation_loss), "series-validation");
  s += legend(c, {{"training", "series-train"}, {"validation", "series-validation"}});
  return s + Chart::close("Training and validation loss per epoch.");
}

inline std::string curve_chart(const std::vector<CurvePoint>& pts, bool roc, std::optional<double> area) {
  const std::string name = roc ? "ROC curve" : "Precision-recall curve";
  const std::string title = area ? name + (roc ? " (AUC " : " (AP ") + num(*area, 4) + ")" : name;
  Chart c(title, roc ? "false positive rate" : "recall", roc ? "true positive rate" : "precision", 0, 1, 0, 1.0001,
          false, 360, 320);
  std::string s = c.open(roc ? "roc" : "pr");
  if (pts.empty()) return s + no_data(c, "needs both classes") + Chart::close(name + ": no curve.");
  if (roc) s += c.line({{0, 0}, {1, 1}}, "chance");
  std::vector<std::pair<double, double>> p;
  for (const auto& q : pts) p.push_back({q.x, q.y});
  s += c.line(p, roc ? "series-roc" : "series-pr");
  return s + Chart::close(roc ? "True positive rate against false positive rate over all thresholds."
                              : "Precision against recall over all thresholds.");
}

inline std::string score_chart(const ReportData& r) {
  const std::size_t n = r.time.size();
  double t0 = 1e300, t1 = -1e300;
  for (double t : r.time)
    if (std::isfinite(t)) {
      t0 = std::min(t0, t);
      t1 = std::max(t1, t);
    }
  const bool empty = t1 < t0;
  Chart c("Anomaly score over time", "time (UTC, month-day)", "score", empty ? 0 : t0, empty ? 1 : t1, 0, 1.0001,
          /*time_axis=*/!empty, 960, 340);
  std::string s = c.open("scores");
  if (empty) return s + no_data(c, "no scored events") + Chart::close("Score over time.");
  // Anomalous periods: runs of label 1 in time order, joined across short gaps.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < n; ++i)
    if (std::isfinite(r.time[i]) && std::isfinite(r.score[i])) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return r.time[a] < r.time[b]; });
  const double join = (t1 - t0) * 0.003;
  std::vector<std::pair<double, double>> runs;
  for (std::size_t i : order) {
    if (r.label[i] != 1.0f) continue;
    if (!runs.empty() && r.time[i] - runs.back().second <= join) runs.back().second = r.time[i];
    else runs.push_back({r.time[i], r.time[i]});
  }
  for (const auto& run : runs) {
    const double a = c.px(run.first), b = std::max(c.px(run.second), a + 1.5);
    s += "<rect class=\"anomalous\" x=\"" + coord(a) + "\" y=\"" + coord(c.plot_top()) + "\" width=\"" + coord(b - a) +
         "\" height=\"" + coord(c.plot_bottom() - c.plot_top()) + "\"/>";
  }
  // Scores: every point when few, else the per-column maximum and minimum as an envelope.
  const double width = c.plot_right() - c.plot_left();
  if (order.size() <= 3000) {
    std::string dots;
    for (std::size_t i : order)
      dots += "<circle class=\"" + std::string(r.label[i] == 1.0f ? "dot-anomalous" : "dot-normal") + "\" cx=\"" +
              coord(c.px(r.time[i])) + "\" cy=\"" + coord(c.py(std::clamp<double>(r.score[i], 0, 1))) + "\" r=\"1.6\"/>";
    s += dots;
  } else {
    const std::size_t columns = static_cast<std::size_t>(width);
    std::vector<double> mx(columns, -1), mn(columns, 2);
    for (std::size_t i : order) {
      const auto col = std::min(columns - 1, static_cast<std::size_t>((c.px(r.time[i]) - c.plot_left())));
      const double v = std::clamp<double>(r.score[i], 0, 1);
      mx[col] = std::max(mx[col], v);
      mn[col] = std::min(mn[col], v);
    }
    std::string d;
    for (std::size_t col = 0; col < columns; ++col) {
      if (mx[col] < 0) continue;
      const double x = c.plot_left() + static_cast<double>(col) + 0.5;
      d += "M" + coord(x) + " " + coord(c.py(mn[col])) + " L" + coord(x) + " " + coord(c.py(mx[col]) - 0.5) + " ";
    }
    s += "<path class=\"envelope\" d=\"" + d + "\"/>";
  }
  const double th = std::clamp(r.threshold, 0.0, 1.0);
  s += "<line class=\"threshold\" x1=\"" + coord(c.plot_left()) + "\" y1=\"" + coord(c.py(th)) + "\" x2=\"" +
       coord(c.plot_right()) + "\" y2=\"" + coord(c.py(th)) + "\"/>";
  s += "<text class=\"legend\" x=\"" + coord(c.plot_right() - 4) + "\" y=\"" + coord(c.py(th) - 4) +
       "\" text-anchor=\"end\">threshold " + num(r.threshold, 4) + "</text>";
  return s + Chart::close("Each event's score; shaded: periods labelled anomalous; dashed: the alert threshold.");
}

inline std::string confusion_chart(const ConfusionMatrix& m) {
  const double w = 360, h = 320, x0 = 120, y0 = 60, cell = 110;
  std::string s = "<figure class=\"confusion\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"360\" height=\"320\" "
                  "viewBox=\"0 0 360 320\" role=\"img\"><title>Confusion matrix</title>";
  s += "<text class=\"chart-title\" x=\"" + coord(w / 2) + "\" y=\"18\" text-anchor=\"middle\">Confusion matrix</text>";
  const std::size_t counts[2][2] = {{m.tn, m.fp}, {m.fn, m.tp}};  // [actual][predicted]
  const char* names[2][2] = {{"TN", "FP"}, {"FN", "TP"}};
  const double total = static_cast<double>(std::max<std::size_t>(1, m.total()));
  for (int a = 0; a < 2; ++a)
    for (int p = 0; p < 2; ++p) {
      const double share = static_cast<double>(counts[a][p]) / total;
      const double x = x0 + p * cell, y = y0 + a * cell;
      s += "<rect class=\"" + std::string(a == p ? "cell-right" : "cell-wrong") + "\" x=\"" + coord(x) + "\" y=\"" +
           coord(y) + "\" width=\"" + coord(cell) + "\" height=\"" + coord(cell) + "\" fill-opacity=\"" +
           num(0.15 + 0.85 * std::sqrt(share), 3) + "\"/>";
      s += "<text class=\"cell-count\" x=\"" + coord(x + cell / 2) + "\" y=\"" + coord(y + cell / 2) +
           "\" text-anchor=\"middle\">" + std::to_string(counts[a][p]) + "</text>";
      s += "<text class=\"cell-name\" x=\"" + coord(x + cell / 2) + "\" y=\"" + coord(y + cell / 2 + 18) +
           "\" text-anchor=\"middle\">" + names[a][p] + "</text>";
    }
  s += "<text class=\"axis-label\" x=\"" + coord(x0 + cell) + "\" y=\"" + coord(y0 - 22) +
       "\" text-anchor=\"middle\">predicted</text>";
  s += "<text class=\"tick\" x=\"" + coord(x0 + cell / 2) + "\" y=\"" + coord(y0 - 6) + "\" text-anchor=\"middle\">normal</text>";
  s += "<text class=\"tick\" x=\"" + coord(x0 + 1.5 * cell) + "\" y=\"" + coord(y0 - 6) +
       "\" text-anchor=\"middle\">anomalous</text>";
  s += "<text class=\"axis-label\" transform=\"translate(24 " + coord(y0 + cell) +
       ") rotate(-90)\" text-anchor=\"middle\">actual</text>";
  s += "<text class=\"tick\" x=\"" + coord(x0 - 8) + "\" y=\"" + coord(y0 + cell / 2) + "\" text-anchor=\"end\">normal</text>";
  s += "<text class=\"tick\" x=\"" + coord(x0 - 8) + "\" y=\"" + coord(y0 + 1.5 * cell) +
       "\" text-anchor=\"end\">anomalous</text>";
  (void)h;
  return s + "</svg><figcaption>Events by actual and predicted class at the threshold.</figcaption></figure>\n";
}

}  // namespace detail

// Writes the page. Non-finite inputs are left out of the plots (never printed).
inline void write_html_report(const ReportData& r, std::ostream& out) {
  if (r.score.size() != r.time.size() || r.label.size() != r.time.size())
    throw ShapeError("report: time has " + std::to_string(r.time.size()) + " values, score " +
                     std::to_string(r.score.size()) + " and label " + std::to_string(r.label.size()) +
                     "; give one score and one label per time");
  std::string s;
  s += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(r.title) +
       "</title>\n<style>\n"
       "body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fff}\n"
       "h1{font-size:22px;margin:0 0 4px}p.sub{color:#555;margin:0 0 16px}\n"
       "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 10px;text-align:left}\n"
       "td.v{text-align:right;font-variant-numeric:tabular-nums}\n"
       "figure{display:inline-block;margin:8px;vertical-align:top}figcaption{font-size:12px;color:#555;max-width:620px}\n"
       "svg text{font-size:11px;fill:#333}.chart-title{font-size:13px;font-weight:600}\n"
       ".grid{stroke:#eee}.frame{fill:none;stroke:#999}.axis-label{font-size:12px}\n"
       ".series-train,.series-validation,.series-roc,.series-pr,.chance,.envelope{fill:none;stroke-width:2}\n"
       ".series-train{stroke:#1f77b4}.series-validation{stroke:#ff7f0e}.series-roc,.series-pr{stroke:#2ca02c}\n"
       ".chance{stroke:#aaa;stroke-dasharray:4 4;stroke-width:1}.envelope{stroke:#1f77b4;stroke-width:1}\n"
       ".anomalous{fill:#d62728;fill-opacity:.15}.dot-normal{fill:#1f77b4}.dot-anomalous{fill:#d62728}\n"
       ".threshold{stroke:#000;stroke-dasharray:6 3;stroke-width:1.2}.no-data{fill:#999;font-size:14px}\n"
       ".cell-right{fill:#2ca02c}.cell-wrong{fill:#d62728}.cell-count{font-size:18px;font-weight:600}\n"
       "</style>\n</head>\n<body>\n";
  s += "<h1>" + html_escape(r.title) + "</h1>\n";
  if (!r.subtitle.empty()) s += "<p class=\"sub\">" + html_escape(r.subtitle) + "</p>\n";
  if (!r.figures.empty()) {
    s += "<table>\n";
    for (const auto& f : r.figures)
      s += "<tr><th>" + html_escape(f.first) + "</th><td class=\"v\">" + html_escape(f.second) + "</td></tr>\n";
    s += "</table>\n";
  }
  s += "<div>\n" + detail::loss_chart(r) + detail::confusion_chart(r.confusion) + "</div>\n";
  s += "<div>\n" + detail::curve_chart(r.roc, true, r.roc_auc) + detail::curve_chart(r.pr, false, r.pr_auc) +
       "</div>\n";
  s += "<div>\n" + detail::score_chart(r) + "</div>\n";
  s += "</body>\n</html>\n";
  out << s;
  if (!out) throw Error("report: writing the HTML failed; check the output path and the disk space");
}

}  // namespace dlrm::report
