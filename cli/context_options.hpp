// The initiator and acceptor options shared by `local`, `client` and `server`: declared once
// here, parsed once into engine::InitiatorOptions / engine::AcceptorOptions.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "engine/options.hpp"

namespace authctx::cli {

struct InitiatorArgs {
  std::string target = "host@localhost";
  gss::TargetType target_type = gss::TargetType::hostbased;
  std::string mech = "spnego";
  std::string neg_mechs;
  bool no_mutual = false, delegate = false, delegate_policy = false, no_replay = false, sequence = false, conf = false,
       integ = false, anon = false, dce_style = false;
  std::string channel_bindings;
  std::string ccache, client_keytab, user, password_file;
  bool password_stdin = false;
  std::string require_mech;
};

struct AcceptorArgs {
  std::string keytab;
  std::string acceptor_name;
  std::string channel_bindings;
  std::string accept_mechs;
};

void add_initiator_options(CLI::App* cmd, InitiatorArgs& args);
void add_acceptor_options(CLI::App* cmd, AcceptorArgs& args);
// A shared --channel-bindings for commands that are both sides (local).
void add_shared_channel_bindings(CLI::App* cmd, std::string& value);

// Parsing throws util::Error (usage for bad values, setup for unreadable files).
engine::InitiatorOptions to_initiator_options(const InitiatorArgs& args);
engine::AcceptorOptions to_acceptor_options(const AcceptorArgs& args);

}  // namespace authctx::cli
