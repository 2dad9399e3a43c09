// `authctx local`: initiator and acceptor in one process; tokens pass in memory.
#include <memory>

#include "cli/app.hpp"
#include "cli/context_options.hpp"
#include "cli/exit_codes.hpp"
#include "cli/handshake_result.hpp"
#include "cli/load_options.hpp"
#include "cli/policy_options.hpp"
#include "cli/transport_options.hpp"
#include "run/load.hpp"
#include "run/local.hpp"
#include "util/errors.hpp"

namespace authctx::cli {
namespace {

struct LocalOptions {
  InitiatorArgs initiator;
  AcceptorArgs acceptor;
  std::string channel_bindings;
  std::string record;
  LoadArgs load;
  int messages = 1;
  PolicyArgs policy;
};

int run_local(const LocalOptions& opts, const GlobalOptions& globals) {
  PolicyRun policy(opts.policy, globals, "local");
  auto init_args = opts.initiator;
  auto acc_args = opts.acceptor;
  init_args.channel_bindings = opts.channel_bindings;
  acc_args.channel_bindings = opts.channel_bindings;
  const auto init = to_initiator_options(init_args);
  const auto acc = to_acceptor_options(acc_args);
  engine::SessionOptions session;
  session.messages = opts.messages;
  session.show_secrets = globals.show_secrets;
  if (!opts.record.empty() && opts.load.any())
    throw util::usage_error("--record writes one handshake's document: use it without the load options");
  auto out = open_output(globals);
  auto sink = policy.wrap(with_recording(make_sink(globals, *out, "local"), opts.record));
  if (const auto load = to_load_options(opts.load, globals)) {
    const auto outcome = run::run_load_local(*load, init, acc, session, *sink);
    if (outcome.first_error) return error_exit_code(*outcome.first_error, true);
    return policy.exit_code(outcome.all_established ? k_exit_ok : k_exit_auth_failed);
  }
  const auto doc = run::run_local(init, acc, session, *sink);
  return policy.exit_code(handshake_exit_code(doc));
}
}  // namespace

void setup_local(CLI::App& app, App& shared) {
  auto opts = std::make_shared<LocalOptions>();
  auto* cmd = app.add_subcommand("local", "Initiator and acceptor in one process; tokens pass in memory");
  add_initiator_options(cmd, opts->initiator);
  add_acceptor_options(cmd, opts->acceptor);
  add_shared_channel_bindings(cmd, opts->channel_bindings);
  cmd->add_option("--messages", opts->messages, "Per-message round trips after establishment")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  add_record_option(cmd, opts->record);
  add_policy_options(cmd, opts->policy);
  add_load_options(cmd, opts->load, "in memory, no network");
  cmd->callback([opts, &shared] {
    shared.command = "local";
    shared.action = [opts, &shared] { return run_local(*opts, shared.globals); };
  });
}

}  // namespace authctx::cli
