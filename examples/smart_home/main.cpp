// dlrm-anomaly: train, evaluate, save and serve a smart-home anomaly detector.
// Every command is a CLI11 subcommand; every error is one line on stderr and exit 1.
#include <CLI/CLI.hpp>

#include <exception>
#include <functional>
#include <iostream>
#include <string>

#include "app.hpp"
#include "dlrm/error.hpp"

namespace {

void add_schema_source(CLI::App* cmd, app::SchemaSource& s, bool with_schema_file) {
  if (with_schema_file)
    cmd->add_option("--schema", s.schema_file, "schema text file (else inferred from the CSV)");
  cmd->add_option("--time", s.time, "time column, or date and time columns: COL[,COL]")
      ->delimiter(',');
  cmd->add_option("--label", s.label, "label column");
  cmd->add_option("--positive", s.positive, "label values that mean anomalous: V[,V]")
      ->delimiter(',');
  cmd->add_option("--drop", s.drop, "columns to ignore (ids, label leaks): COL[,COL]")
      ->delimiter(',');
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "dlrm-anomaly: learns a home's normal behaviour from a labelled timeline, flags the "
      "anomalous activity, saves one artifact and scores live events from it.",
      "dlrm-anomaly"};
  cli.require_subcommand(1, 1);
  cli.failure_message([](const CLI::App* a, const CLI::Error& e) {
    return "error: " + std::string(e.what()) + " (run '" + a->get_name() + " --help')\n";
  });
  std::function<int()> action;

  app::GenerateArgs gen;
  auto* g = cli.add_subcommand("generate", "write a deterministic synthetic smart home: "
                                           "DIR/merged.csv, DIR/activity_log.csv, DIR/schema.txt");
  g->add_option("--out", gen.out, "output directory")->required();
  g->add_option("--days", gen.days, "days in the timeline (default 24.5)");
  g->add_option("--anomalous-days", gen.anomalous_days, "the last days, by actor 2 (default 3)");
  g->add_option("--seed", gen.seed, "random seed")->capture_default_str();
  g->add_option("--events-per-day", gen.events_per_day, "network packets per day");
  g->add_option("--extra-sensors", gen.extra_sensors, "extra sensor columns");
  g->add_option("--anomaly-strength", gen.anomaly_strength,
                "how far actor 2 departs: 0 close to actor 1, 1 default, more blatant");
  g->add_flag("--epoch-timestamps", gen.epoch_timestamps, "timestamps as epoch seconds");
  g->callback([&] { action = [&] { return app::run_generate(gen); }; });

  app::SchemaArgs sch;
  auto* s = cli.add_subcommand("schema", "print the schema inferred from a CSV, in the text format");
  s->add_option("--csv", sch.csv, "input CSV")->required();
  add_schema_source(s, sch.source, false);
  s->callback([&] { action = [&] { return app::run_schema(sch); }; });

  app::TrainArgs tr;
  auto* t = cli.add_subcommand("train", "train a detector and write one artifact");
  t->add_option("--csv", tr.csv, "labelled CSV")->required();
  add_schema_source(t, tr.source, true);
  t->add_option("--out", tr.out, "artifact to write")->required();
  t->add_option("--mode", tr.mode, "supervised (one-class follows later)")->capture_default_str();
  t->add_option("--split", tr.split,
                "by_time|per_class|normal_then_anomalous[:TRAIN,VALIDATION] "
                "(default per_class:0.7,0.15)");
  t->add_option("--epochs", tr.epochs, "maximum epochs")->capture_default_str();
  t->add_option("--batch", tr.batch, "minibatch size")->capture_default_str();
  t->add_option("--lr", tr.lr, "learning rate")->capture_default_str();
  t->add_option("--patience", tr.patience, "epochs without improvement before stopping")
      ->capture_default_str();
  t->add_option("--class-weight", tr.class_weight, "auto (inverse frequency) or none")
      ->capture_default_str();
  t->add_option("--embedding-dim", tr.embedding_dim, "embedding dimension: 8, 16 or 32")
      ->capture_default_str();
  t->add_option("--bottom", tr.bottom, "bottom MLP widths, last = embedding dim (default 64,32,DIM)")
      ->delimiter(',');
  t->add_option("--top", tr.top, "top MLP hidden widths (the output 1 is appended)")
      ->delimiter(',')
      ->capture_default_str();
  t->add_option("--threads", tr.threads, "threads")->capture_default_str();
  t->add_option("--seed", tr.seed, "seed of weights and shuffling")->capture_default_str();
  t->add_option("--target-fpr", tr.target_fpr,
                "tune the threshold for this false-positive rate on validation (default: max F1)");
  t->add_flag("--quiet", tr.quiet, "no per-epoch lines");
  t->callback([&] { action = [&] { return app::run_train(tr); }; });

  app::EvaluateArgs ev;
  auto* e = cli.add_subcommand("evaluate", "metrics of an artifact on a part of a labelled CSV");
  e->add_option("--model", ev.model, "artifact")->required();
  e->add_option("--csv", ev.csv, "labelled CSV")->required();
  e->add_option("--part", ev.part, "test|validation|train|all (of the recorded split)")
      ->check(CLI::IsMember({"test", "validation", "train", "all"}))
      ->capture_default_str();
  e->add_flag("--json", ev.json, "one JSON object");
  e->callback([&] { action = [&] { return app::run_evaluate(ev); }; });

  app::ScoreArgs sc;
  auto* c = cli.add_subcommand("score",
                               "score events (standard input when no --csv): one line "
                               "'timestamp,score,flag' per event, in order");
  c->add_option("--model", sc.model, "artifact")->required();
  c->add_option("--csv", sc.csv, "events CSV (default: standard input)");
  c->add_flag("--strict", sc.strict, "stop at the first malformed line");
  c->add_flag("--stats", sc.stats, "print p50/p99 latency per event on stderr at the end");
  c->add_option("--explain", sc.explain,
                "for each flagged event, print the K features that drove the score on stderr");
  c->add_flag("--flagged-only", sc.flagged_only, "print only flagged events");
  c->callback([&] { action = [&] { return app::run_score(sc); }; });

  app::ReportArgs rp;
  auto* r = cli.add_subcommand("report", "one self-contained HTML report with inline SVG");
  r->add_option("--model", rp.model, "artifact")->required();
  r->add_option("--csv", rp.csv, "labelled CSV")->required();
  r->add_option("--out", rp.out, "HTML file to write")->required();
  r->callback([&] { action = [&] { return app::run_report(rp); }; });

  app::ExportArgs ex;
  auto* x = cli.add_subcommand("export", "weights in the reference layout, optionally the inputs");
  x->add_option("--model", ex.model, "artifact")->required();
  x->add_option("--npz", ex.npz, "weights .npz to write")->required();
  x->add_option("--csv", ex.csv, "CSV whose transformed rows to export");
  x->add_option("--inputs", ex.inputs, "inputs .npz to write (with --csv)");
  x->callback([&] { action = [&] { return app::run_export(ex); }; });

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    return cli.exit(err);
  }
  try {
    return action ? action() : 1;
  } catch (const dlrm::Error& err) {
    std::cerr << "error: " << err.what() << "\n";
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory\n";
  } catch (const std::exception& err) {
    std::cerr << "error: " << err.what() << "\n";
  }
  return 1;
}
