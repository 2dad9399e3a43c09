#include "json/json.hpp"

namespace authctx::json {

std::string dump(const Json& j, int indent) {
  // error_handler_t::replace: invalid UTF-8 becomes U+FFFD (nlohmann's serializer, "error
  // handling" of dump()); the default handler throws type_error.316.
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::size_t nesting_depth(std::string_view text, std::size_t stop_after) {
  // RFC 8259 §2: brackets only count outside strings; inside a string a backslash escapes
  // the next character (so "\"" and "\\" do not end or start anything).
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > stop_after) return stop_after + 1;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Json parse(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes || nesting_depth(text, limits.max_depth) > limits.max_depth)
    return Json(Json::value_t::discarded);
  // allow_exceptions = false: malformed text gives a discarded value. nlohmann's parser is
  // iterative and its destructor flattens nested values, and the depth is bounded above
  // anyway.
  return Json::parse(text.begin(), text.end(), nullptr, false);
}

Json parse_object(std::string_view text, const ParseLimits& limits) {
  auto j = parse(text, limits);
  if (!j.is_object()) return Json(Json::value_t::discarded);
  return j;
}

}  // namespace authctx::json
