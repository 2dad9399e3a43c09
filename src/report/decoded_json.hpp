// The JSON form of a decoded token tree (src/decode's Value): same shape, keys in order.
#pragma once
#include <nlohmann/json.hpp>

#include "decode/value.hpp"

namespace authctx::core {
nlohmann::ordered_json to_json(const authctx::decode::Value& value);
}  // namespace authctx::core
