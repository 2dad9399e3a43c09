// `authctx decode [INPUT...]`: decodes tokens offline with src/decode; makes no GSS-API
// calls. Each INPUT is a file path, `-` for stdin, or (when no such file exists) a token
// given on the command line; no INPUT means stdin. Text input holds one token per line
// (blank lines and lines starting with '#' are skipped) in any form decode/input.hpp
// recognises; binary input is one raw token; authctx's own JSON documents (an object with
// "schema": "authctx/1" and "legs") contribute every leg's base64. `--in` forces a form.
// Writes {"schema", "command": "decode", "tokens": [{"source", "length", "decoded"}]} and
// exits 0 when every token decoded cleanly, 4 when any token had diagnostics, was not
// recognised, or could not be read as a token at all.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "cli/exit_codes.hpp"
#include "decode/decode.hpp"
#include "decode/input.hpp"
#include "report/decoded_json.hpp"
#include "util/files.hpp"

namespace authctx::cli {
namespace {

constexpr std::size_t k_max_input_bytes = 64u << 20;

struct DecodeOptions {
  std::vector<std::string> inputs;
  decode::InputForm form = decode::InputForm::automatic;
};

// One token found in the input, or the reason a piece of input is not a token.
struct Found {
  std::string source;
  std::vector<std::uint8_t> bytes;
  std::string form;
  std::string error;  // non-empty: not a token
};

std::string read_stdin() {
  std::string data;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    data.append(buf, n);
    if (data.size() > k_max_input_bytes) throw util::FileError("stdin: input larger than 64 MiB");
  }
  return data;
}

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

void add_token(std::vector<Found>& out, std::string source, std::string_view text, decode::InputForm form) {
  const auto r = decode::parse_token_input(text, form);
  Found f;
  f.source = std::move(source);
  if (r.ok) {
    f.bytes = r.bytes;
    f.form = r.form;
  } else {
    f.error = r.error;
  }
  out.push_back(std::move(f));
}

// authctx's own documents: every leg's base64. Returns false when text is not one.
bool add_document_legs(std::vector<Found>& out, const std::string& source, std::string_view text) {
  const auto doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("legs") || !doc["legs"].is_array()) return false;
  if (doc.value("schema", std::string()) != "authctx/1") return false;
  std::size_t position = 0;
  for (const auto& leg : doc["legs"]) {
    ++position;
    const auto index = leg.is_object() && leg.contains("index") && leg["index"].is_number_integer()
                           ? leg["index"].get<std::int64_t>()
                           : static_cast<std::int64_t>(position);
    const std::string leg_source = source + "#leg" + std::to_string(index);
    if (!leg.is_object() || !leg.contains("base64") || !leg["base64"].is_string()) {
      out.push_back(Found{leg_source, {}, {}, "leg has no base64 token"});
      continue;
    }
    add_token(out, leg_source, leg["base64"].get<std::string>(), decode::InputForm::base64);
  }
  return true;
}

void collect(std::vector<Found>& out, const std::string& source, const std::string& content, decode::InputForm form) {
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(content.data()), content.size());
  if (form == decode::InputForm::raw || (form == decode::InputForm::automatic && !decode::looks_like_text(bytes))) {
    add_token(out, source, content, decode::InputForm::raw);
    return;
  }
  const std::string_view all = trim(content);
  if (all.empty()) return;
  if (all.front() == '{' && add_document_legs(out, source, all)) return;

  // One token per line. Should a token be wrapped over several lines (base64 at 76
  // columns), the lines fail alone but the whole text parses: then it is one token.
  std::vector<Found> lines;
  std::size_t start = 0;
  std::size_t line_no = 0;
  bool any_failed = false;
  bool several = false;
  while (start <= content.size()) {
    auto end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    ++line_no;
    const std::string_view line = trim(std::string_view(content).substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#') continue;
    several = several || !lines.empty();
    const std::string line_source = source + ":" + std::to_string(line_no);
    if (line.front() == '{' && add_document_legs(lines, line_source, line)) continue;
    add_token(lines, line_source, line, form);
    any_failed = any_failed || !lines.back().error.empty();
  }
  if (any_failed && several) {
    const auto whole = decode::parse_token_input(all, form);
    if (whole.ok) {
      out.push_back(Found{source, whole.bytes, whole.form, {}});
      return;
    }
  }
  out.insert(out.end(), std::make_move_iterator(lines.begin()), std::make_move_iterator(lines.end()));
}

int run_decode(const DecodeOptions& opts, const GlobalOptions& globals) {
  std::vector<Found> found;
  std::vector<std::string> inputs = opts.inputs;
  if (inputs.empty()) inputs.emplace_back("-");
  std::size_t arg_no = 0;
  for (const auto& input : inputs) {
    ++arg_no;
    if (input == "-") {
      collect(found, "stdin", read_stdin(), opts.form);
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_regular_file(input, ec) || std::filesystem::is_fifo(input, ec)) {
      collect(found, input, util::read_file(input, k_max_input_bytes), opts.form);
      continue;
    }
    // Not a file: the argument is the token itself.
    const std::size_t before = found.size();
    add_token(found, "argument " + std::to_string(arg_no), input, opts.form);
    if (!found[before].error.empty()) {
      found[before].error =
          "'" + input.substr(0, 64) + "' is neither a readable file nor a token: " + found[before].error;
    }
  }

  decode::Options dopts;
  dopts.show_secrets = globals.show_secrets;
  nlohmann::ordered_json doc{{"schema", "authctx/1"}, {"command", "decode"}};
  auto tokens = nlohmann::ordered_json::array();
  std::size_t bad = 0;
  for (const auto& f : found) {
    nlohmann::ordered_json entry{{"source", f.source}, {"length", f.bytes.size()}};
    if (!f.error.empty()) {
      entry["form"] = nullptr;
      entry["decoded"] = nullptr;
      entry["error"] = f.error;
      ++bad;
    } else {
      entry["form"] = f.form;
      const auto tree = decode::decode_token(f.bytes, dopts);
      if (decode::has_diagnostics(tree) || tree["type"].as_string() == "unknown") ++bad;
      entry["decoded"] = report::to_json(tree);
    }
    tokens.push_back(std::move(entry));
  }
  doc["tokens"] = std::move(tokens);

  std::string message;
  if (found.empty()) {
    message = "no token found in the input";
  } else if (bad > 0) {
    message = std::to_string(bad) + " of " + std::to_string(found.size()) +
              (found.size() == 1 ? " token was" : " tokens were") + " not fully decodable";
  }
  if (message.empty()) {
    doc["error"] = nullptr;
    write_document(globals, doc);
    return k_exit_ok;
  }
  doc["error"] = {{"stage", "decode"},
                  {"major", nullptr},
                  {"minor", nullptr},
                  {"message", message},
                  {"class", "undecodable"},
                  {"hint", found.empty() ? "give a token, a file of tokens or - for stdin"
                                         : "see each token's diagnostics, reason or error"}};
  write_document(globals, doc);
  std::cerr << "authctx: " << message << "\n";
  return k_exit_undecodable;
}

}  // namespace

void setup_decode(CLI::App& app, App& shared) {
  auto opts = std::make_shared<DecodeOptions>();
  auto* cmd =
      app.add_subcommand("decode", "Decode GSS-API, SPNEGO, Kerberos and NTLM tokens offline (no GSS-API calls)");
  cmd->add_option("INPUT", opts->inputs,
                  "A file of tokens (one per line, or one binary token), - for stdin, or a token itself; "
                  "default stdin");
  static const std::map<std::string, decode::InputForm> k_forms{{"auto", decode::InputForm::automatic},
                                                                {"raw", decode::InputForm::raw},
                                                                {"base64", decode::InputForm::base64},
                                                                {"hex", decode::InputForm::hex},
                                                                {"header", decode::InputForm::header}};
  cmd->add_option("--in", opts->form,
                  "Input form: auto (default), raw, base64, hex, header (Negotiate/NTLM HTTP header)")
      ->transform(CLI::CheckedTransformer(k_forms))
      ->option_text("auto|raw|base64|hex|header");
  cmd->callback([&shared, opts] {
    shared.command = "decode";
    shared.action = [&shared, opts] { return run_decode(*opts, shared.globals); };
  });
}

}  // namespace authctx::cli
