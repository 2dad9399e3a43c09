// Options that choose how `client` and `server` reach their peer besides TCP (--files DIR,
// --stdio, --negotiate-prefix) and the transcript option --record FILE (local, client,
// server). Exactly one transport per run: --connect/--listen, --files or --stdio.
//
// Over --stdio, standard output carries tokens, so before anything is written authctx moves
// its own standard output onto standard error: the JSON document (and any error document)
// goes to --output FILE, or to stderr. Tokens go to the original standard output.
#pragma once
#include <CLI/CLI.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "cli/network_options.hpp"
#include "report/sink.hpp"
#include "transport/stdio_channel.hpp"

namespace authctx::cli {

struct TransportArgs {
  std::string files;
  bool stdio = false;
  bool negotiate_prefix = false;
  CLI::Option* tcp = nullptr;      // --connect or --listen
  CLI::Option* timeout = nullptr;  // --timeout, to tell a default from a given value
};

enum class Transport { tcp, files, stdio };

// Adds --files, --stdio and --negotiate-prefix to cmd (group "Connection"); tcp and
// timeout must already be set in args.
void add_transport_options(CLI::App* cmd, TransportArgs& args, const std::string& tcp_flag);
// The transport chosen; throws a usage error unless exactly one was given.
Transport chosen_transport(const TransportArgs& args, const std::string& tcp_flag);

struct StdioStreams {
  int token_out = 1;  // the original standard output
  bool interactive = false;
};
// Moves standard output onto standard error (see above) and says whether a person is at
// the keyboard (standard input is a terminal).
StdioStreams take_stdout_for_tokens();
// --timeout, except that a person pasting tokens gets 15 minutes unless --timeout was given.
std::chrono::milliseconds stdio_timeout(const TransportArgs& args, double seconds, bool interactive);
// The stdio transport's options for either side: tokens to the original standard output.
transport::StdioOptions stdio_options(const TransportArgs& args, const NetworkArgs& network,
                                      const StdioStreams& streams);

// --record FILE: the full JSON document, tokens included, mode 0600.
void add_record_option(CLI::App* cmd, std::string& path);
// Wraps sink so that each finished document is also written to path (one document: pretty
// JSON; several, as a server writes: one per line). Creates the file at once (0600), so an
// unwritable path fails before the handshake (exit 5).
std::unique_ptr<report::EventSink> with_recording(std::unique_ptr<report::EventSink> sink, const std::string& path);

}  // namespace authctx::cli
