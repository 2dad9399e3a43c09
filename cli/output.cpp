#include "cli/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/transport_options.hpp"
#include "text/view.hpp"
#include "util/errors.hpp"
#include "util/process.hpp"

namespace authctx::cli {
namespace {

class TextSink final : public report::EventSink {
 public:
  TextSink(std::FILE* out, text::TextOptions options) : out_(out), options_(options) {}
  void event(std::string_view, const json::Json&) override {}
  bool wants_events() const override { return false; }
  void document(const json::Json& doc) override {
    const auto text = text::render_text(doc, options_);
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  text::TextOptions options_;
};
}  // namespace

bool use_color(const GlobalOptions& g, std::FILE* out) {
  if (g.color != Color::automatic) return g.color == Color::always;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return ::isatty(::fileno(out)) != 0;
}

Format effective_format(const GlobalOptions& g) {
  if (g.format != Format::automatic) return g.format;
  if (!g.output.empty()) return Format::json;
  return ::isatty(STDOUT_FILENO) != 0 ? Format::text : Format::json;
}

OutputFile::~OutputFile() {
  if (owned && stream != nullptr) std::fclose(stream);
}

std::unique_ptr<OutputFile> open_output(const GlobalOptions& g) {
  auto out = std::make_unique<OutputFile>();
  if (g.output.empty() || g.output == "-") return out;
  util::Fd fd(::open(g.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd) ::fchmod(fd.get(), 0600);
  std::FILE* stream = fd ? ::fdopen(fd.get(), "w") : nullptr;
  if (stream == nullptr)
    throw util::setup_error("output_unwritable", "cannot write --output " + g.output + ": " + std::strerror(errno),
                            "choose a writable path");
  fd.release();  // the stream owns it now
  out->stream = stream;
  out->owned = true;
  return out;
}

std::unique_ptr<report::EventSink> make_sink(const GlobalOptions& g, OutputFile& out, const std::string& command) {
  switch (effective_format(g)) {
    case Format::jsonl: return std::make_unique<report::JsonlSink>(out.stream, command);
    case Format::text:
      return std::make_unique<TextSink>(out.stream, text::TextOptions{use_color(g, out.stream), g.verbose});
    default: return std::make_unique<report::JsonSink>(out.stream, true);
  }
}

std::unique_ptr<report::EventSink> make_server_sink(const GlobalOptions& g, OutputFile& out,
                                                    const std::string& record) {
  std::unique_ptr<report::EventSink> sink;
  if (effective_format(g) == Format::json)
    sink = std::make_unique<report::JsonSink>(out.stream, false);
  else
    sink = make_sink(g, out, "server");
  return with_recording(std::move(sink), record);
}

void write_document(const GlobalOptions& g, const nlohmann::ordered_json& doc) {
  auto out = open_output(g);
  const std::string command =
      doc.contains("command") && doc["command"].is_string() ? doc["command"].get<std::string>() : "";
  auto sink = make_sink(g, *out, command);
  sink->document(doc);
}

}  // namespace authctx::cli
