// JSON for every layer above the decoders: one type (nlohmann's ordered_json, so documents
// keep their keys in the order they were built), one serialiser and one bounded parser.
// Strings in authctx documents often come from untrusted tokens (principal names, realms,
// e-text, NTLM names) and may hold bytes that are not UTF-8; dump() replaces each invalid
// byte with U+FFFD instead of throwing, so no document is ever lost to an encoding error.
// Nothing in authctx calls Json::dump or Json::parse directly.
//
// Parsing text from a peer or a file: parse() checks size and nesting depth on the raw text
// (one pass, no recursion) before nlohmann builds anything, so a hostile frame nested 60,000
// arrays deep is refused instead of reaching code that recurses over a value (copying,
// dumping, comparing). A value parse() returns is therefore at most max_depth deep.
#pragma once
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace authctx::json {

using Json = nlohmann::ordered_json;

// Compact when indent < 0, else pretty-printed with that many spaces. Never throws on
// invalid UTF-8.
std::string dump(const Json& j, int indent = -1);

struct ParseLimits {
  std::size_t max_depth = 128;         // arrays and objects nested (authctx documents reach ~60)
  std::size_t max_bytes = 64U << 20U;  // text longer than this is refused unread
};

// Limits for one frame of a peer (HELLO, ERROR, ACCEPTED, RESULTS bodies): CONTEXT views and
// error objects are at most 5 levels deep.
inline constexpr ParseLimits k_frame_limits{32, 1U << 20U};

// The deepest nesting of arrays and objects in JSON text, counting brackets outside strings;
// stops counting (returns stop_after + 1) once deeper than stop_after. Never recurses.
std::size_t nesting_depth(std::string_view text, std::size_t stop_after);

// Any JSON value from text, or a discarded value when the text is not JSON or exceeds the
// limits (never throws).
Json parse(std::string_view text, const ParseLimits& limits = {});
// A JSON object from text, or a discarded value when the text is not one (never throws).
Json parse_object(std::string_view text, const ParseLimits& limits = {});

}  // namespace authctx::json
