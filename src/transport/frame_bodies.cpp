// The authctx framing's JSON bodies, checked against small static schemas
// (frame_bodies.hpp). The checker recurses over the schema, never over the peer's value, so
// its depth is that of the tables below.
#include "transport/frame_bodies.hpp"

#include <span>
#include <string>

#include "util/base64.hpp"
#include "util/errors.hpp"

namespace authctx::transport {
namespace {

// What a key may hold, combined with |.
enum Kinds : unsigned {
  k_null = 1U,
  k_bool = 2U,
  k_int = 4U,   // any integer
  k_uint = 8U,  // a non-negative integer
  k_num = 16U,  // any number
  k_str = 32U,
  k_arr = 64U,
  k_obj = 128U,
};

struct Key;
using Shape = std::span<const Key>;

struct Key {
  const char* name;
  unsigned kinds;
  Shape object{};       // when the value is an object: its shape
  unsigned items = 0;   // when the value is an array: what each element may be
  Shape item_object{};  // ... and the shape of elements that are objects
  bool required = false;
  const char* one_of = nullptr;  // a string value must be one of these ('|'-separated)
};

constexpr Key k_mech[] = {{"name", k_str | k_null}, {"oid", k_str}};
constexpr Key k_name_type[] = {{"oid", k_str}, {"name", k_str | k_null}};
constexpr Key k_major[] = {{"code", k_uint},
                           {"routine", k_str | k_null},
                           {"calling", k_str | k_null},
                           {"supplementary", k_arr, {}, k_str},
                           {"text", k_arr, {}, k_str}};
constexpr Key k_minor[] = {{"code", k_int}, {"text", k_str}};
constexpr Key k_error[] = {{"stage", k_str | k_null},
                           {"side", k_str | k_null, {}, 0, {}, false, "initiator|acceptor"},
                           {"major", k_obj | k_null, k_major},
                           {"minor", k_obj | k_null, k_minor},
                           {"mech", k_obj | k_null, k_mech},
                           {"message", k_str},
                           {"class", k_str},
                           {"hint", k_str},
                           {"clock_offset_seconds", k_int},
                           {"reported_by_peer", k_bool}};

constexpr Key k_flags[] = {{"requested", k_arr, {}, k_str}, {"granted", k_arr, {}, k_str}};
constexpr Key k_enctype[] = {{"id", k_int}, {"name", k_str | k_null}};
constexpr Key k_session_key[] = {{"enctype", k_obj | k_null, k_enctype}, {"length", k_uint}, {"base64", k_str}};
constexpr Key k_attribute[] = {{"name", k_str},
                               {"authenticated", k_bool},
                               {"complete", k_bool},
                               {"value_lengths", k_arr, {}, k_uint},
                               {"display_values", k_arr, {}, k_str},
                               {"values_base64", k_arr, {}, k_str}};
constexpr Key k_delegated[] = {{"principal", k_str | k_null},
                               {"lifetime_seconds", k_uint},
                               {"expires_at", k_str | k_null},
                               {"stored_in", k_str | k_null},
                               {"error", k_str},
                               {"store_error", k_str}};
constexpr Key k_context[] = {{"source_name", k_str | k_null},
                             {"target_name", k_str | k_null},
                             {"source_name_type", k_obj | k_null, k_name_type},
                             {"target_name_type", k_obj | k_null, k_name_type},
                             {"mech", k_obj | k_null, k_mech},
                             {"flags", k_obj, k_flags},
                             {"lifetime_seconds", k_uint},
                             {"context_time_seconds", k_uint},
                             {"expires_at", k_str | k_null},
                             {"locally_initiated", k_bool},
                             {"open", k_bool},
                             {"session_key", k_obj | k_null, k_session_key},
                             {"ticket_flags", k_arr | k_null, {}, k_str},
                             {"authtime", k_str | k_null},
                             {"sasl_ssf", k_uint | k_null},
                             {"name_attributes", k_arr, {}, k_obj, k_attribute},
                             {"delegated_credentials", k_obj | k_null, k_delegated}};

constexpr Key k_hello[] = {
    {"protocol", k_str, {}, 0, {}, true}, {"messages", k_uint}, {"server", k_str}, {"session", k_str},
    {"timeout_seconds", k_num},           {"host", k_str},      {"pid", k_int},    {"report", k_bool}};
constexpr Key k_error_body[] = {{"error", k_obj, k_error, 0, {}, true}, {"token_base64", k_str | k_null}};
constexpr Key k_accepted[] = {{"established", k_bool}, {"context", k_obj | k_null, k_context}};
constexpr Key k_check[] = {{"kind", k_str, {}, 0, {}, true, "wrap|mic"},
                           {"direction", k_str, {}, 0, {}, true, "initiator->acceptor|acceptor->initiator"},
                           {"conf_requested", k_bool},
                           {"conf", k_bool},
                           {"length", k_uint},
                           {"ok", k_bool},
                           {"error", k_str}};
constexpr Key k_results[] = {{"messages", k_arr, {}, k_obj, k_check, true}};

bool matches(const Json& v, unsigned kinds) {
  switch (v.type()) {
    case Json::value_t::null: return (kinds & k_null) != 0;
    case Json::value_t::boolean: return (kinds & k_bool) != 0;
    case Json::value_t::number_unsigned: return (kinds & (k_int | k_uint | k_num)) != 0;
    case Json::value_t::number_integer:
      return (kinds & (k_int | k_num)) != 0 || ((kinds & k_uint) != 0 && v.get<std::int64_t>() >= 0);
    case Json::value_t::number_float: return (kinds & k_num) != 0;
    case Json::value_t::string: return (kinds & k_str) != 0;
    case Json::value_t::array: return (kinds & k_arr) != 0;
    case Json::value_t::object: return (kinds & k_obj) != 0;
    default: return false;
  }
}

std::string kind_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer: return v.get<std::int64_t>() < 0 ? "a negative integer" : "an integer";
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a fraction";
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    default: return "not a JSON value";
  }
}

std::string expected(unsigned kinds) {
  std::string out;
  const auto add = [&](unsigned k, const char* name) {
    if ((kinds & k) != 0) out += (out.empty() ? "" : " or ") + std::string(name);
  };
  add(k_obj, "an object");
  add(k_arr, "an array");
  add(k_str, "a string");
  add(k_num, "a number");
  add(k_int, "an integer");
  if ((kinds & (k_num | k_int)) == 0) add(k_uint, "a non-negative integer");
  add(k_bool, "a boolean");
  add(k_null, "null");
  return out;
}

bool one_of(std::string_view value, std::string_view choices) {
  while (!choices.empty()) {
    const auto bar = choices.find('|');
    if (choices.substr(0, bar) == value) return true;
    if (bar == std::string_view::npos) break;
    choices.remove_prefix(bar + 1);
  }
  return false;
}

[[noreturn]] void fail(std::string_view what, const std::string& problem) {
  throw util::transport_error("malformed_frame", "the peer's " + std::string(what) + ": " + problem,
                              "the peer is not a compatible authctx (or is hostile); its own output says more");
}

void check_value(const Json& v, const Key& key, const std::string& path, std::string_view what);

void check_shape(const Json& obj, Shape shape, const std::string& prefix, std::string_view what) {
  for (const auto& key : shape) {
    const auto it = obj.find(key.name);
    if (it == obj.end()) {
      if (key.required) fail(what, prefix + key.name + " is missing");
      continue;
    }
    check_value(*it, key, prefix + key.name, what);
  }
}

void check_value(const Json& v, const Key& key, const std::string& path, std::string_view what) {
  if (!matches(v, key.kinds)) fail(what, path + " is " + kind_name(v) + ", expected " + expected(key.kinds));
  if (key.one_of != nullptr && v.is_string() && !one_of(v.get_ref<const std::string&>(), key.one_of))
    fail(what, path + " is not one of " + key.one_of);
  if (v.is_object() && !key.object.empty()) check_shape(v, key.object, path + ".", what);
  if (v.is_array() && key.items != 0) {
    std::size_t i = 0;
    for (const auto& item : v) {
      const auto item_path = path + "[" + std::to_string(i++) + "]";
      if (!matches(item, key.items))
        fail(what, item_path + " is " + kind_name(item) + ", expected " + expected(key.items));
      if (item.is_object() && !key.item_object.empty()) check_shape(item, key.item_object, item_path + ".", what);
    }
  }
}

const char* frame_name(Body kind) {
  switch (kind) {
    case Body::hello: return "HELLO frame";
    case Body::error: return "ERROR frame";
    case Body::accepted: return "ACCEPTED frame";
    case Body::results: return "RESULTS frame";
  }
  return "frame";
}

Shape shape_of(Body kind) {
  switch (kind) {
    case Body::hello: return k_hello;
    case Body::error: return k_error_body;
    case Body::accepted: return k_accepted;
    case Body::results: return k_results;
  }
  return {};
}
}  // namespace

Json read_body(Body kind, std::span<const std::uint8_t> payload) {
  const std::string_view what = frame_name(kind);
  const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  if (text.size() > json::k_frame_limits.max_bytes)
    fail(what, "its JSON is " + std::to_string(text.size()) + " bytes long, over the limit of " +
                   std::to_string(json::k_frame_limits.max_bytes));
  if (json::nesting_depth(text, json::k_frame_limits.max_depth) > json::k_frame_limits.max_depth)
    fail(what, "its JSON nests more than " + std::to_string(json::k_frame_limits.max_depth) + " levels deep");
  auto body = json::parse(text, json::k_frame_limits);
  if (body.is_discarded()) fail(what, "it is not JSON");
  if (!body.is_object()) fail(what, "it is " + kind_name(body) + ", expected an object");
  check_shape(body, shape_of(kind), "", what);
  if (kind == Body::error && body.contains("token_base64") && body["token_base64"].is_string() &&
      !util::base64_decode(body["token_base64"].get_ref<const std::string&>()))
    fail(what, "token_base64 is not base64");
  return body;
}

void check_error_object(const Json& error, std::string_view what) {
  if (!error.is_object()) fail(what, "the error is " + kind_name(error) + ", expected an object");
  check_shape(error, k_error, "error.", what);
}

void check_context_object(const Json& context, std::string_view what) {
  if (!context.is_object()) fail(what, "the context is " + kind_name(context) + ", expected an object");
  check_shape(context, k_context, "context.", what);
}

}  // namespace authctx::transport
