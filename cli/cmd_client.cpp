// `authctx client`: the initiator over TCP (--connect HOST:PORT).
#include <memory>

#include "cli/app.hpp"
#include "cli/context_options.hpp"
#include "cli/exit_codes.hpp"
#include "cli/handshake_result.hpp"
#include "cli/network_options.hpp"
#include "core/client.hpp"

namespace authctx::cli {
namespace {

struct ClientArgs {
  InitiatorArgs initiator;
  NetworkArgs network;
  std::string connect;
  int count = 1;
  int messages = 1;
};

int run_client(const ClientArgs& args, const GlobalOptions& globals) {
  core::ClientOptions client;
  client.endpoint = core::parse_endpoint(args.connect);
  client.framing = args.network.framing;
  client.count = args.count;
  client.timeout = std::chrono::milliseconds(static_cast<long>(args.network.timeout_seconds * 1000));
  client.max_token_size = args.network.max_token_size;
  const auto init = to_initiator_options(args.initiator);
  core::SessionOptions session;
  session.messages = args.messages;
  session.show_secrets = globals.show_secrets;
  auto out = open_output(globals);
  auto sink = make_sink(globals, *out, "client");
  const auto outcome = core::run_client(client, init, session, *sink);
  if (outcome.first_error) return error_exit_code(*outcome.first_error, args.count > 1);
  return outcome.all_established ? k_exit_ok : k_exit_auth_failed;
}
}  // namespace

void setup_client(CLI::App& app, App& shared) {
  auto args = std::make_shared<ClientArgs>();
  auto* cmd = app.add_subcommand("client", "The initiator over TCP (--connect HOST:PORT)");
  cmd->add_option("--connect", args->connect, "Server address: HOST:PORT or [IPV6]:PORT")->required()->group("Connection");
  add_network_options(cmd, args->network, false);
  cmd->add_option("--count", args->count, "Run N handshakes, one connection each, and report a summary")
      ->check(CLI::Range(1, 1000000))->capture_default_str();
  cmd->add_option("--messages", args->messages, "Per-message round trips after establishment")
      ->check(CLI::Range(0, 1000))->capture_default_str();
  add_initiator_options(cmd, args->initiator);
  cmd->add_option("--channel-bindings", args->initiator.channel_bindings,
                  "Channel bindings: TEXT, hex:HEX or file:PATH")->group("Initiator");
  cmd->callback([args, &shared] {
    shared.command = "client";
    shared.action = [args, &shared] { return run_client(*args, shared.globals); };
  });
}

}  // namespace authctx::cli
