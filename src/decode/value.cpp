#include "decode/value.hpp"

#include <cstdio>

namespace authctx::decode {
namespace {
const Value& shared_null() {
  static const Value null_value;
  return null_value;
}
const std::string& empty_string() {
  static const std::string s;
  return s;
}
}  // namespace

bool Value::as_bool(bool fallback) const {
  if (const auto* b = std::get_if<bool>(&data_)) return *b;
  return fallback;
}

std::int64_t Value::as_int(std::int64_t fallback) const {
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&data_)) {
    if (*u <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(*u);
  }
  return fallback;
}

std::uint64_t Value::as_uint(std::uint64_t fallback) const {
  if (const auto* u = std::get_if<std::uint64_t>(&data_)) return *u;
  if (const auto* i = std::get_if<std::int64_t>(&data_)) {
    if (*i >= 0) return static_cast<std::uint64_t>(*i);
  }
  return fallback;
}

const std::string& Value::as_string() const {
  if (const auto* s = std::get_if<std::string>(&data_)) return *s;
  return empty_string();
}

const Value::Array& Value::items() const {
  static const Array empty;
  if (const auto* a = std::get_if<Array>(&data_)) return *a;
  return empty;
}

const Value::Object& Value::members() const {
  static const Object empty;
  if (const auto* o = std::get_if<Object>(&data_)) return *o;
  return empty;
}

std::size_t Value::size() const {
  if (const auto* a = std::get_if<Array>(&data_)) return a->size();
  if (const auto* o = std::get_if<Object>(&data_)) return o->size();
  return 0;
}

Value& Value::set(std::string_view key, Value v) {
  if (!is_object()) data_ = Object{};
  auto& obj = std::get<Object>(data_);
  for (auto& m : obj) {
    if (m.key == key) {
      m.value = std::move(v);
      return m.value;
    }
  }
  obj.push_back(Member{std::string(key), std::move(v)});
  return obj.back().value;
}

const Value* Value::find(std::string_view key) const {
  if (const auto* o = std::get_if<Object>(&data_)) {
    for (const auto& m : *o) {
      if (m.key == key) return &m.value;
    }
  }
  return nullptr;
}

Value* Value::find(std::string_view key) {
  if (auto* o = std::get_if<Object>(&data_)) {
    for (auto& m : *o) {
      if (m.key == key) return &m.value;
    }
  }
  return nullptr;
}

const Value& Value::operator[](std::string_view key) const {
  const Value* v = find(key);
  return v != nullptr ? *v : shared_null();
}

Value& Value::push(Value v) {
  if (!is_array()) data_ = Array{};
  auto& arr = std::get<Array>(data_);
  arr.push_back(std::move(v));
  return arr.back();
}

const Value& Value::operator[](std::size_t index) const {
  const auto& a = items();
  return index < a.size() ? a[index] : shared_null();
}

bool operator==(const Value& a, const Value& b) { return a.data_ == b.data_; }

bool has_diagnostics(const Value& v) {
  // Iterative walk: trees are bounded by the decoders, but a Value built by hand need not be.
  std::vector<const Value*> stack{&v};
  while (!stack.empty()) {
    const Value* cur = stack.back();
    stack.pop_back();
    if (cur->is_object()) {
      for (const auto& m : cur->members()) {
        if (m.key == "diagnostics" && m.value.is_array() && m.value.size() > 0) return true;
        stack.push_back(&m.value);
      }
    } else if (cur->is_array()) {
      for (const auto& item : cur->items()) stack.push_back(&item);
    }
  }
  return false;
}

namespace {
void append_escaped(std::string& out, const std::string& s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

void render(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::null: out += "null"; break;
    case Value::Kind::boolean: out += v.as_bool() ? "true" : "false"; break;
    case Value::Kind::integer: out += std::to_string(v.as_int()); break;
    case Value::Kind::unsigned_integer: out += std::to_string(v.as_uint()); break;
    case Value::Kind::string: append_escaped(out, v.as_string()); break;
    case Value::Kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.items()) {
        if (!first) out += ',';
        first = false;
        render(out, item);
      }
      out += ']';
      break;
    }
    case Value::Kind::object: {
      out += '{';
      bool first = true;
      for (const auto& m : v.members()) {
        if (!first) out += ',';
        first = false;
        append_escaped(out, m.key);
        out += ':';
        render(out, m.value);
      }
      out += '}';
      break;
    }
  }
}
}  // namespace

std::string to_debug_json(const Value& v) {
  std::string out;
  render(out, v);
  return out;
}

}  // namespace authctx::decode
