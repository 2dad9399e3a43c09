// JSON for every layer above the decoders: one type (nlohmann's ordered_json, so documents
// keep their keys in the order they were built) and one serialiser. Strings in authctx
// documents often come from untrusted tokens (principal names, realms, e-text, NTLM names)
// and may hold bytes that are not UTF-8; dump() replaces each invalid byte with U+FFFD
// instead of throwing, so no document is ever lost to an encoding error. Nothing in authctx
// calls Json::dump directly.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

namespace authctx::json {

using Json = nlohmann::ordered_json;

// Compact when indent < 0, else pretty-printed with that many spaces. Never throws on
// invalid UTF-8.
std::string dump(const Json& j, int indent = -1);

// A JSON object from text, or a discarded value when the text is not one (never throws).
Json parse_object(std::string_view text);

}  // namespace authctx::json
