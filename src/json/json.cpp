#include "json/json.hpp"

namespace authctx::json {

std::string dump(const Json& j, int indent) {
  // error_handler_t::replace: invalid UTF-8 becomes U+FFFD (nlohmann's serializer, "error
  // handling" of dump()); the default handler throws type_error.316.
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Json parse_object(std::string_view text) {
  auto j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (!j.is_object()) return Json(Json::value_t::discarded);
  return j;
}

}  // namespace authctx::json
