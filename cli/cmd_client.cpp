// `authctx client`: the initiator over TCP (--connect HOST:PORT), a folder (--files DIR),
// standard input and output (--stdio; cli/transport_options.hpp chooses), or a URL transport
// (--url http(s)://HOST/PATH or ldap(s)://HOST: cli/url_options.hpp).
#include <memory>

#include "cli/app.hpp"
#include "cli/context_options.hpp"
#include "cli/exit_codes.hpp"
#include "cli/handshake_result.hpp"
#include "cli/load_options.hpp"
#include "cli/network_options.hpp"
#include "cli/policy_options.hpp"
#include "cli/transport_options.hpp"
#include "cli/url_options.hpp"
#include "run/client.hpp"
#include "run/files.hpp"
#include "run/stdio.hpp"
#include "util/errors.hpp"

namespace authctx::cli {
namespace {

struct ClientArgs {
  InitiatorArgs initiator;
  NetworkArgs network;
  std::string connect;
  TransportArgs transport;
  UrlArgs url;
  std::string record;
  LoadArgs load;
  int messages = 1;
  PolicyArgs policy;
};

engine::SessionOptions session_options(const ClientArgs& args, const GlobalOptions& globals) {
  engine::SessionOptions session;
  session.messages = args.messages;
  session.show_secrets = globals.show_secrets;
  return session;
}

int run_other_transport(const ClientArgs& args, const GlobalOptions& globals, Transport transport, PolicyRun& policy) {
  if (args.load.any())
    throw util::usage_error(
        "--count, --concurrency, --duration and --fresh-tickets need --connect: --files and --stdio run one handshake");
  if (transport == Transport::stdio && args.initiator.password_stdin)
    throw util::usage_error("--password-stdin cannot be used with --stdio (standard input carries tokens)",
                            "use --password-file FILE");
  // Over --stdio, stdout carries tokens: our own stdout moves to stderr before anything is written.
  const auto streams = transport == Transport::stdio ? take_stdout_for_tokens() : StdioStreams{};
  const auto init = to_initiator_options(args.initiator);
  const auto session = session_options(args, globals);
  auto out = open_output(globals);
  auto sink = policy.wrap(with_recording(make_sink(globals, *out, "client"), args.record));
  if (transport == Transport::files) {
    const transport::FilesOptions files{args.transport.files, args.network.timeout(), args.network.max_token_size};
    return policy.exit_code(handshake_exit_code(run::run_files_client(files, init, session, *sink)));
  }
  const auto stdio = stdio_options(args.transport, args.network, streams);
  return policy.exit_code(handshake_exit_code(run::run_stdio_client(stdio, init, session, *sink)));
}

int run_client(const ClientArgs& args, const GlobalOptions& globals) {
  if (url_given(args.url)) {
    if (!args.record.empty() && args.load.any())
      throw util::usage_error("--record writes one handshake's document: use it without the load options");
    PolicyRun policy(args.policy, globals, "client");
    return run_url_client(args.url, args.initiator, args.network, globals, args.record,
                          to_load_options(args.load, globals), policy);
  }
  const auto transport = chosen_transport(args.transport, "--connect");
  PolicyRun policy(args.policy, globals, "client");
  if (transport != Transport::tcp) return run_other_transport(args, globals, transport, policy);
  if (!args.record.empty() && args.load.any())
    throw util::usage_error("--record writes one handshake's document: use it without the load options");
  run::ClientOptions client;
  client.endpoint = net::parse_endpoint(args.connect);
  client.framing = args.network.framing;
  client.load = to_load_options(args.load, globals);
  client.timeout = args.network.timeout();
  client.max_token_size = args.network.max_token_size;
  const auto init = to_initiator_options(args.initiator);
  auto out = open_output(globals);
  auto sink = policy.wrap(with_recording(make_sink(globals, *out, "client"), args.record));
  const auto outcome = run::run_client(client, init, session_options(args, globals), *sink);
  if (outcome.first_error) return error_exit_code(*outcome.first_error, client.load.has_value());
  return policy.exit_code(outcome.all_established ? k_exit_ok : k_exit_auth_failed);
}
}  // namespace

void setup_client(CLI::App& app, App& shared) {
  auto args = std::make_shared<ClientArgs>();
  auto* cmd =
      app.add_subcommand("client", "The initiator over TCP (--connect HOST:PORT), --files DIR, --stdio or --url URL");
  args->transport.tcp =
      cmd->add_option("--connect", args->connect, "Server address: HOST:PORT or [IPV6]:PORT")->group("Connection");
  add_network_options(cmd, args->network, false);
  args->transport.timeout = cmd->get_option("--timeout");
  add_transport_options(cmd, args->transport, "--connect");
  add_url_options(cmd, args->url);
  args->url.url_option->excludes(args->transport.tcp)
      ->excludes(cmd->get_option("--files"))
      ->excludes(cmd->get_option("--stdio"));
  add_record_option(cmd, args->record);
  add_policy_options(cmd, args->policy);
  add_load_options(cmd, args->load, "one connection each");
  cmd->add_option("--messages", args->messages, "Per-message round trips after establishment")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  add_initiator_options(cmd, args->initiator);
  args->url.target_option = cmd->get_option("--target");
  args->url.mech_option = cmd->get_option("--mech");
  cmd->add_option("--channel-bindings", args->initiator.channel_bindings,
                  "Channel bindings: TEXT, hex:HEX or file:PATH")
      ->group("Initiator");
  cmd->callback([args, &shared] {
    shared.command = "client";
    shared.action = [args, &shared] { return run_client(*args, shared.globals); };
  });
}

}  // namespace authctx::cli
