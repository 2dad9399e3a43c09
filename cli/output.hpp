// Global output options (--format, --output, --trace, --show-secrets) and where documents go.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "report/sink.hpp"

namespace authctx::cli {

enum class Format { automatic, json, jsonl, text };
enum class Color { automatic, always, never };

struct GlobalOptions {
  Format format = Format::automatic;
  std::string output;  // empty: stdout
  bool trace = false;
  bool show_secrets = false;
  Color color = Color::automatic;  // text only: auto = on a terminal unless NO_COLOR is set
  bool verbose = false;            // text only: full decoded trees under each leg
};

// Resolves `auto`: text when the destination is a terminal, json otherwise.
Format effective_format(const GlobalOptions& g);

// Whether the text view may use ANSI colour on out: --color always/never win; auto means
// out is a terminal and NO_COLOR (https://no-color.org) is unset or empty.
bool use_color(const GlobalOptions& g, std::FILE* out);

// Opens --output (mode 0600, truncated) or stdout. The returned FILE* is owned by the handle.
struct OutputFile {
  std::FILE* stream = stdout;
  bool owned = false;
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();
};
std::unique_ptr<OutputFile> open_output(const GlobalOptions& g);

// A sink for the chosen format writing to out.
std::unique_ptr<report::EventSink> make_sink(const GlobalOptions& g, OutputFile& out, const std::string& command);

// A server's sink: as a server writes one JSON document per connection, json means one
// document per line; with record, each document is also written to that file.
std::unique_ptr<report::EventSink> make_server_sink(const GlobalOptions& g, OutputFile& out, const std::string& record);

// Writes a finished JSON document in the chosen format (json, jsonl, text).
void write_document(const GlobalOptions& g, const nlohmann::ordered_json& doc);

}  // namespace authctx::cli
