// The load options of `client` and `local` (--count, --concurrency, --duration,
// --fresh-tickets), declared once and turned into run::LoadOptions: nullopt for a single
// handshake, which keeps its full document. The progress line goes to stderr when stderr is
// a terminal; JSON Lines output gets a progress event per second.
#pragma once
#include <CLI/CLI.hpp>

#include <optional>

#include "cli/output.hpp"
#include "run/load.hpp"

namespace authctx::cli {

struct LoadArgs {
  int count = 1;
  int concurrency = 1;
  double duration_seconds = 0;
  bool fresh_tickets = false;
  CLI::Option* count_option = nullptr;
  bool any() const { return count > 1 || concurrency > 1 || duration_seconds > 0 || fresh_tickets; }
};

// what: how a run connects, for --count's help ("one connection each", "in memory").
void add_load_options(CLI::App* cmd, LoadArgs& args, const std::string& what);
std::optional<run::LoadOptions> to_load_options(const LoadArgs& args, const GlobalOptions& globals);

}  // namespace authctx::cli
