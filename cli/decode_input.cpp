// Finding the tokens in `authctx decode`'s input. See decode_input.hpp.
#include "cli/decode_input.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iterator>
#include <string_view>

#include "util/files.hpp"

namespace authctx::cli {
namespace {

constexpr std::size_t k_max_input_bytes = 64u << 20;

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

void add_token(std::vector<FoundToken>& out, std::string source, std::string_view text, decode::InputForm form) {
  const auto r = decode::parse_token_input(text, form);
  FoundToken f;
  f.source = std::move(source);
  if (r.ok) {
    f.bytes = r.bytes;
    f.form = r.form;
  } else {
    f.error = r.error;
  }
  out.push_back(std::move(f));
}

void add_leg(std::vector<FoundToken>& out, const std::string& source, const nlohmann::json& leg, std::size_t position) {
  const auto index = leg.is_object() && leg.contains("index") && leg["index"].is_number_integer()
                         ? leg["index"].get<std::int64_t>()
                         : static_cast<std::int64_t>(position);
  const std::string leg_source = source + "#leg" + std::to_string(index);
  if (!leg.is_object() || !leg.contains("base64") || !leg["base64"].is_string()) {
    out.push_back(FoundToken{leg_source, {}, {}, "leg has no base64 token"});
    return;
  }
  add_token(out, leg_source, leg["base64"].get<std::string>(), decode::InputForm::base64);
}

// authctx's own JSON: a document's legs, or one JSON Lines event. Returns false when text
// is not one of those.
bool add_authctx_json(std::vector<FoundToken>& out, const std::string& source, std::string_view text) {
  const auto doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("schema", std::string()) != "authctx/1") return false;
  if (doc.contains("event") && doc["event"].is_string()) {
    // A transcript line: the "leg" events carry the tokens; the closing "result" event
    // repeats them, so every other event is skipped.
    if (doc["event"] == "leg") add_leg(out, source, doc, 1);
    return true;
  }
  if (!doc.contains("legs") || !doc["legs"].is_array()) return false;
  std::size_t position = 0;
  for (const auto& leg : doc["legs"]) add_leg(out, source, leg, ++position);
  return true;
}

void collect(std::vector<FoundToken>& out, const std::string& source, const std::string& content,
             decode::InputForm form) {
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(content.data()), content.size());
  if (form == decode::InputForm::raw || (form == decode::InputForm::automatic && !decode::looks_like_text(bytes))) {
    add_token(out, source, content, decode::InputForm::raw);
    return;
  }
  const std::string_view all = trim(content);
  if (all.empty()) return;
  if (all.front() == '{' && add_authctx_json(out, source, all)) return;

  // One token per line. Should a token be wrapped over several lines (base64 at 76
  // columns), the lines fail alone but the whole text parses: then it is one token.
  std::vector<FoundToken> lines;
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
    if (line.front() == '{' && add_authctx_json(lines, line_source, line)) continue;
    add_token(lines, line_source, line, form);
    any_failed = any_failed || !lines.back().error.empty();
  }
  if (any_failed && several) {
    const auto whole = decode::parse_token_input(all, form);
    if (whole.ok) {
      out.push_back(FoundToken{source, whole.bytes, whole.form, {}});
      return;
    }
  }
  out.insert(out.end(), std::make_move_iterator(lines.begin()), std::make_move_iterator(lines.end()));
}

}  // namespace

std::vector<FoundToken> collect_tokens(const std::vector<std::string>& given, decode::InputForm form) {
  std::vector<FoundToken> found;
  std::vector<std::string> inputs = given;
  if (inputs.empty()) inputs.emplace_back("-");
  std::size_t arg_no = 0;
  for (const auto& input : inputs) {
    ++arg_no;
    if (input == "-") {
      collect(found, "stdin", read_stdin(), form);
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_regular_file(input, ec) || std::filesystem::is_fifo(input, ec)) {
      collect(found, input, util::read_file(input, k_max_input_bytes), form);
      continue;
    }
    // Not a file: the argument is the token itself.
    const std::size_t before = found.size();
    add_token(found, "argument " + std::to_string(arg_no), input, form);
    if (!found[before].error.empty()) {
      found[before].error =
          "'" + input.substr(0, 64) + "' is neither a readable file nor a token: " + found[before].error;
    }
  }
  return found;
}

}  // namespace authctx::cli
