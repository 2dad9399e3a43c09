#include "report/decoded_json.hpp"

namespace authctx::report {

json::Json to_json(const decode::Value& value) {
  using Kind = decode::Value::Kind;
  switch (value.kind()) {
    case Kind::null: return nullptr;
    case Kind::boolean: return value.as_bool();
    case Kind::integer: return value.as_int();
    case Kind::unsigned_integer: return value.as_uint();
    case Kind::string: return value.as_string();
    case Kind::array: {
      auto out = json::Json::array();
      for (const auto& item : value.items()) out.push_back(to_json(item));
      return out;
    }
    case Kind::object: {
      auto out = json::Json::object();
      for (const auto& member : value.members()) out[member.key] = to_json(member.value);
      return out;
    }
  }
  return nullptr;
}

}  // namespace authctx::report
