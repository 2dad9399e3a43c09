#include "cli/transport_options.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "util/errors.hpp"
#include "util/files.hpp"

namespace authctx::cli {
namespace {

class RecordingSink final : public report::EventSink {
 public:
  RecordingSink(std::unique_ptr<report::EventSink> inner, std::string path)
      : inner_(std::move(inner)), path_(std::move(path)) {}
  void event(std::string_view name, const json::Json& body) override { inner_->event(name, body); }
  bool wants_events() const override { return inner_->wants_events(); }
  void document(const json::Json& doc) override {
    docs_.push_back(doc);
    std::string text;
    if (docs_.size() == 1) {
      text = json::dump(doc, 2) + "\n";
    } else {
      for (const auto& d : docs_) text += json::dump(d) + "\n";
    }
    util::write_private_file(path_, text);
    inner_->document(doc);
  }

 private:
  std::unique_ptr<report::EventSink> inner_;
  std::string path_;
  std::vector<json::Json> docs_;
};
}  // namespace

void add_transport_options(CLI::App* cmd, TransportArgs& a, const std::string& tcp_flag) {
  const std::string g = "Connection";
  auto* files = cmd->add_option("--files", a.files,
                                "Exchange tokens as numbered files in DIR (start the two sides in either order)")
                    ->option_text("DIR")
                    ->group(g);
  auto* stdio = cmd->add_flag("--stdio", a.stdio,
                              "Tokens as base64 paragraphs on stdin/stdout; the document goes to --output or stderr")
                    ->group(g);
  cmd->add_flag("--negotiate-prefix", a.negotiate_prefix, "With --stdio: write tokens as `Negotiate <base64>`")
      ->needs(stdio)
      ->group(g);
  files->excludes(stdio);
  if (a.tcp != nullptr) {
    files->excludes(a.tcp);
    stdio->excludes(a.tcp);
  }
  (void)tcp_flag;
}

Transport chosen_transport(const TransportArgs& a, const std::string& tcp_flag) {
  const bool tcp = a.tcp != nullptr && a.tcp->count() > 0;
  const int given = (tcp ? 1 : 0) + (a.files.empty() ? 0 : 1) + (a.stdio ? 1 : 0);
  if (given != 1)
    throw util::usage_error("choose one transport: " + tcp_flag + " HOST:PORT, --files DIR or --stdio",
                            "see `authctx " + std::string(tcp_flag == "--connect" ? "client" : "server") + " --help`");
  if (!a.files.empty()) return Transport::files;
  return a.stdio ? Transport::stdio : Transport::tcp;
}

StdioStreams take_stdout_for_tokens() {
  StdioStreams s;
  std::fflush(stdout);
  s.token_out = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (s.token_out < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
    throw util::setup_error("stdio_setup", "cannot set up standard output for --stdio");
  s.interactive = ::isatty(STDIN_FILENO) != 0;
  return s;
}

std::chrono::milliseconds stdio_timeout(const TransportArgs& a, double seconds, bool interactive) {
  if (interactive && (a.timeout == nullptr || a.timeout->count() == 0)) seconds = 900;
  return NetworkArgs::to_millis(seconds);
}

transport::StdioOptions stdio_options(const TransportArgs& args, const NetworkArgs& network,
                                      const StdioStreams& streams) {
  transport::StdioOptions stdio;
  stdio.out_fd = streams.token_out;
  stdio.timeout = stdio_timeout(args, network.timeout_seconds, streams.interactive);
  stdio.max_token_size = network.max_token_size;
  stdio.negotiate_prefix = args.negotiate_prefix;
  stdio.interactive = streams.interactive;
  return stdio;
}

void add_record_option(CLI::App* cmd, std::string& path) {
  cmd->add_option("--record", path,
                  "Also write the full JSON document, tokens included, to FILE (mode 0600) "
                  "for `authctx replay`")
      ->option_text("FILE");
}

std::unique_ptr<report::EventSink> with_recording(std::unique_ptr<report::EventSink> sink, const std::string& path) {
  if (path.empty()) return sink;
  try {
    util::write_private_file(path, "");
  } catch (const util::FileError& e) {
    throw util::setup_error("record_unwritable", std::string("cannot write --record: ") + e.what(),
                            "choose a writable path");
  }
  return std::make_unique<RecordingSink>(std::move(sink), path);
}

}  // namespace authctx::cli
