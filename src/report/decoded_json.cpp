#include "report/decoded_json.hpp"

namespace authctx::core {

nlohmann::ordered_json to_json(const authctx::decode::Value& value) {
  using Kind = authctx::decode::Value::Kind;
  switch (value.kind()) {
    case Kind::null: return nullptr;
    case Kind::boolean: return value.as_bool();
    case Kind::integer: return value.as_int();
    case Kind::unsigned_integer: return value.as_uint();
    case Kind::string: return value.as_string();
    case Kind::array: {
      auto out = nlohmann::ordered_json::array();
      for (const auto& item : value.items()) out.push_back(to_json(item));
      return out;
    }
    case Kind::object: {
      auto out = nlohmann::ordered_json::object();
      for (const auto& member : value.members()) out[member.key] = to_json(member.value);
      return out;
    }
  }
  return nullptr;
}

}  // namespace authctx::core
