// The JSON form of a decoded token tree (src/decode's Value): same shape, keys in order.
#pragma once
#include "decode/value.hpp"
#include "json/json.hpp"

namespace authctx::report {
json::Json to_json(const decode::Value& value);
}  // namespace authctx::report
