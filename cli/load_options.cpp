#include "cli/load_options.hpp"

#include <unistd.h>

namespace authctx::cli {

void add_load_options(CLI::App* cmd, LoadArgs& a, const std::string& what) {
  const std::string g = "Load";
  a.count_option = cmd->add_option("--count", a.count, "Run N handshakes (" + what + ") and report a summary")
                       ->check(CLI::Range(1, 100000000))
                       ->capture_default_str()
                       ->group(g);
  cmd->add_option("--concurrency", a.concurrency, "Handshakes in flight at once, each on its own thread")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str()
      ->group(g);
  cmd->add_option("--duration", a.duration_seconds,
                  "Run handshakes for SECONDS (with --count: whichever ends first), then report a summary")
      ->check(CLI::Range(0.001, 86400.0 * 7))
      ->option_text("SECONDS")
      ->group(g);
  cmd->add_flag("--fresh-tickets", a.fresh_tickets,
                "Fetch a new service ticket from the KDC for every handshake (loads the KDC too)")
      ->group(g);
}

std::optional<run::LoadOptions> to_load_options(const LoadArgs& a, const GlobalOptions& globals) {
  if (!a.any()) return std::nullopt;
  run::LoadOptions load;
  // --duration alone runs as many handshakes as fit; with --count, whichever ends first.
  load.count = a.duration_seconds > 0 && a.count_option != nullptr && a.count_option->count() == 0 ? 0 : a.count;
  load.concurrency = a.concurrency;
  if (a.duration_seconds > 0)
    load.duration = std::chrono::milliseconds(static_cast<long long>(a.duration_seconds * 1000.0));
  load.fresh_tickets = a.fresh_tickets;
  load.progress_line = ::isatty(STDERR_FILENO) != 0;
  load.progress_events = effective_format(globals) == Format::jsonl;
  return load;
}

}  // namespace authctx::cli
