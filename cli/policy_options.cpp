#include "cli/policy_options.hpp"

#include <unistd.h>

#include <exception>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "policy/evaluate.hpp"
#include "policy/expectation.hpp"
#include "policy/junit.hpp"
#include "text/view.hpp"
#include "util/errors.hpp"
#include "util/files.hpp"
#include "util/timefmt.hpp"

namespace authctx::cli {

struct PolicyRun::State {
  std::string command;
  std::vector<policy::Expectation> expectations;
  std::string junit_path;
  std::string hostname;
  policy::JunitReport report;
  policy::RunTally tally{{}};
  bool show_secrets = false;
  bool documents_seen = false;
  bool failed = false;  // an established, otherwise clean document failed an expectation
  std::string failure;  // its error message
  std::string hint;

  void write_junit(const std::string& xml) const {
    try {
      util::write_private_file(junit_path, xml);
    } catch (const util::FileError& e) {
      throw util::setup_error("junit_unwritable", std::string("cannot write --junit: ") + e.what(),
                              "choose a writable path");
    }
  }

  void record(const json::Json& doc, policy::Outcome outcome) {
    if (outcome != policy::Outcome::failed || failed) return;
    const auto sentence = policy::failure_sentence(doc);
    if (sentence.empty()) return;  // another error wins (exit 1 or 3)
    failed = true;
    failure = sentence;
    hint = policy::string_at(doc["error"], "hint");
  }

  void add_suite(const json::Json& doc, const std::string& where, const std::string& cls_suffix) {
    if (junit_path.empty()) return;
    policy::SuiteInfo info;
    const auto peer = policy::string_at(doc, "peer");
    info.name = "authctx " + command + where + (peer.empty() ? "" : " (" + peer + ")");
    info.classname = "authctx." + command + cls_suffix;
    info.system_out = text::render_text(doc, text::TextOptions{false, false});
    info.timestamp = util::now_unix();
    info.hostname = hostname;
    report.add(doc, info);
  }
};

namespace {

class PolicySink final : public report::EventSink {
 public:
  PolicySink(std::unique_ptr<report::EventSink> inner, std::shared_ptr<PolicyRun::State> state)
      : inner_(std::move(inner)), state_(std::move(state)) {}

  void event(std::string_view name, const json::Json& body) override { inner_->event(name, body); }

  void document(const json::Json& doc) override {
    auto& s = *state_;
    json::Json d = doc;
    s.documents_seen = true;
    if (d.contains("summary")) {
      // a load run (client/local --count N): the runs were evaluated one by one (run_document).
      s.record(d, s.tally.apply(d));
    } else {
      s.record(d, policy::apply_expectations(d, s.expectations));
      std::string where;
      std::string suffix;
      if (d.contains("connection")) {
        where = " connection " + json::dump(d["connection"]);
        suffix = ".connection" + json::dump(d["connection"]);
      }
      s.add_suite(d, where, suffix);
    }
    if (!s.junit_path.empty()) {
      s.write_junit(s.report.empty() ? policy::JunitReport::unfinished("authctx " + s.command, "authctx." + s.command,
                                                                       "no handshake finished")
                                     : s.report.xml());
    }
    inner_->document(d);
  }

  bool wants_run_documents() const override { return true; }
  void run_document(int run, const report::Document& doc) override {
    auto& s = *state_;
    json::Json d = report::document_json(doc, report::JsonOptions{s.show_secrets, true});
    d["run"] = run;
    policy::apply_expectations(d, s.expectations);
    s.tally.add(run, d.contains("expectations") ? d["expectations"] : json::Json());
    s.add_suite(d, " run " + std::to_string(run), ".run" + std::to_string(run));
    inner_->run_document(run, doc);
  }

 private:
  std::unique_ptr<report::EventSink> inner_;
  std::shared_ptr<PolicyRun::State> state_;
};

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

constexpr const char* k_unfinished =
    "authctx has not finished a handshake (still running, stopped by a signal, or stopped by an error before the "
    "handshake: see its output)";
}  // namespace

void add_policy_options(CLI::App* cmd, PolicyArgs& args) {
  const std::string g = "Policy";
  cmd->footer(
      "Exit status: 0 established (and every check passed), 1 authentication failed, 2 usage error, "
      "3 transport failure, 5 set-up error, 6 established but an --expect expectation failed.");
  cmd->add_option("--expect", args.expect,
                  "Check EXPR on the established context (repeatable): mech=krb5, no-ntlm, enctype>=aes128, "
                  "ticket-enctype>=aes128, flags>=mutual,integ,conf, channel-bound, delegated, no-delegation, pac, "
                  "lifetime>=SECONDS, legs<=N, user=PRINCIPAL, target=PRINCIPAL, ticket-flags>=F, no-warnings; "
                  "a failed one exits 6")
      ->option_text("EXPR")
      ->expected(1)
      ->take_all()
      ->group(g);
  cmd->add_option("--expect-file", args.expect_files,
                  "Read expectations from FILE, one per line (# starts a comment); repeatable")
      ->option_text("FILE")
      ->expected(1)
      ->take_all()
      ->group(g);
  cmd->add_option("--junit", args.junit,
                  "Write a JUnit XML report to FILE (one testsuite per handshake; mode 0600, replaced atomically)")
      ->option_text("FILE")
      ->group(g);
}

PolicyRun::PolicyRun(const PolicyArgs& args, const GlobalOptions& globals, const std::string& command)
    : state_(std::make_shared<State>()) {
  auto& s = *state_;
  s.command = command;
  s.show_secrets = globals.show_secrets;
  try {
    for (const auto& e : args.expect) s.expectations.push_back(policy::parse_expectation(e));
    for (const auto& path : args.expect_files) {
      std::string text;
      try {
        text = util::read_file(path, 1u << 20);
      } catch (const util::FileError& e) {
        throw util::setup_error("file_unreadable", std::string("cannot read --expect-file: ") + e.what(),
                                "check the path and its permissions");
      }
      for (auto& e : policy::parse_expectation_lines(text, path)) s.expectations.push_back(std::move(e));
    }
  } catch (const policy::ExpressionError& e) {
    throw util::usage_error(e.what(), "see EXPECTATIONS in `man authctx` or `authctx " + command + " --help`");
  }
  s.tally = policy::RunTally(s.expectations);
  s.junit_path = args.junit;
  if (!s.junit_path.empty()) {
    s.hostname = host_name();
    s.write_junit(policy::JunitReport::unfinished("authctx " + command, "authctx." + command, k_unfinished));
  }
}

PolicyRun::~PolicyRun() {
  auto& s = *state_;
  if (s.junit_path.empty() || s.documents_seen || std::uncaught_exceptions() == 0) return;
  try {
    s.write_junit(policy::JunitReport::unfinished(
        "authctx " + s.command, "authctx." + s.command,
        "authctx stopped with an error before finishing a handshake: see its error document and standard error"));
  } catch (...) {
    // The report stays as it was (it already says that no handshake finished).
  }
}

std::unique_ptr<report::EventSink> PolicyRun::wrap(std::unique_ptr<report::EventSink> inner) {
  if (state_->expectations.empty() && state_->junit_path.empty()) return inner;
  return std::make_unique<PolicySink>(std::move(inner), state_);
}

int PolicyRun::exit_code(int code) const {
  if (code != k_exit_ok || !state_->failed) return code;
  std::cerr << "authctx: the context was established but " << state_->failure;
  if (!state_->hint.empty()) std::cerr << "; next: " << state_->hint;
  std::cerr << "\n";
  return k_exit_expectation_failed;
}

}  // namespace authctx::cli
