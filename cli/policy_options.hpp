// Policy options for `local`, `client` and `server`: --expect EXPR (repeatable),
// --expect-file FILE (repeatable; one expression per line, # comments) and --junit FILE.
//
// A command hooks them in with four lines: add_policy_options() in its setup, a PolicyRun
// at the start of its run (it parses every expectation first: a bad one is a usage error,
// exit 2, naming the accepted forms), PolicyRun::wrap() around its sink, and
// PolicyRun::exit_code() around its exit status. The wrapping sink sees each finished
// document (each connection's for a server, each run's for `client --count N`), evaluates
// the expectations on it (src/policy), adds "expectations" and the expectation_failed
// error to it, adds it to the JUnit report and rewrites the report atomically (mode 0600).
//
// Exit status: 6 when the context was established, nothing else failed, and an
// expectation did not hold; a failed handshake keeps its own status (1 or 3) and its
// expectations are reported as not evaluated. A server without --once reports per
// connection and keeps exiting 0, as it does for failed handshakes.
//
// --junit is written when the command starts with one error testcase ("handshake
// finished": not_finished), replaced as documents arrive; so a run stopped by a set-up
// error or a signal leaves a report that fails rather than an empty one that passes.
#pragma once
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cli/output.hpp"
#include "report/sink.hpp"

namespace authctx::cli {

struct PolicyArgs {
  std::vector<std::string> expect;
  std::vector<std::string> expect_files;
  std::string junit;
};

void add_policy_options(CLI::App* cmd, PolicyArgs& args);

class PolicyRun {
 public:
  PolicyRun(const PolicyArgs& args, const GlobalOptions& globals, const std::string& command);
  ~PolicyRun();
  PolicyRun(const PolicyRun&) = delete;
  PolicyRun& operator=(const PolicyRun&) = delete;

  // The sink that evaluates, reports and forwards to inner (inner itself when neither
  // expectations nor --junit were given).
  std::unique_ptr<report::EventSink> wrap(std::unique_ptr<report::EventSink> inner);

  // code, or 6 (with its sentence on stderr) when code is 0 and an expectation failed.
  int exit_code(int code) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace authctx::cli
