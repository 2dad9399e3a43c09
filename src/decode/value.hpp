// authctx::decode::Value: the ordered, JSON-like tree every decoder returns.
//
// A Value is null, a bool, a signed or unsigned 64-bit integer, a string (raw bytes; the
// JSON layer replaces invalid UTF-8), an array, or an object whose members keep their
// insertion order. Decoded token nodes are objects with a "type" key; problems found while
// decoding sit in a "diagnostics" array of {"offset", "message"} objects on the node being
// decoded. Values are plain data: copyable, comparable, no I/O, never throw except
// std::bad_alloc. Lookups of missing keys yield a shared null, so tests can chain
// v["a"]["b"] safely.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace authctx::decode {

struct Member;

class Value {
 public:
  using Array = std::vector<Value>;
  using Object = std::vector<Member>;
  enum class Kind { null, boolean, integer, unsigned_integer, string, array, object };

  // Constructors are defined below, once Member is complete (the variant holds a vector
  // of Members, which some standard libraries require to be complete when instantiated).
  Value();
  Value(std::nullptr_t);
  Value(bool b);
  Value(int i);
  Value(long i);
  Value(long long i);
  Value(unsigned u);
  Value(unsigned long u);
  Value(unsigned long long u);
  Value(std::string s);
  Value(std::string_view s);
  Value(const char* s);
  Value(Array a);
  Value(Object o);

  static Value object();
  static Value array();

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::null; }
  bool is_bool() const { return kind() == Kind::boolean; }
  bool is_number() const { return kind() == Kind::integer || kind() == Kind::unsigned_integer; }
  bool is_string() const { return kind() == Kind::string; }
  bool is_array() const { return kind() == Kind::array; }
  bool is_object() const { return kind() == Kind::object; }

  // Typed reads: the value when the kind matches (numbers convert when in range), else the
  // fallback. They never throw.
  bool as_bool(bool fallback = false) const;
  std::int64_t as_int(std::int64_t fallback = 0) const;
  std::uint64_t as_uint(std::uint64_t fallback = 0) const;
  const std::string& as_string() const;  // empty string unless a string

  const Array& items() const;     // empty unless an array
  const Object& members() const;  // empty unless an object
  std::size_t size() const;       // elements of an array, members of an object, else 0

  // Object access. set() replaces an existing key in place or appends, and returns the
  // stored child (valid until the next mutation of this object). A non-object becomes an
  // empty object first.
  Value& set(std::string_view key, Value v);
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  const Value& operator[](std::string_view key) const;  // shared null when missing

  // Array access. push() turns a non-array into an empty array first.
  Value& push(Value v);
  const Value& operator[](std::size_t index) const;  // shared null when out of range

  friend bool operator==(const Value& a, const Value& b);

 private:
  std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, std::string, Array, Object> data_;
};

struct Member {
  std::string key;
  Value value;
  friend bool operator==(const Member& a, const Member& b) { return a.key == b.key && a.value == b.value; }
};

inline Value::Value() : data_(nullptr) {}
inline Value::Value(std::nullptr_t) : data_(nullptr) {}
inline Value::Value(bool b) : data_(b) {}
inline Value::Value(int i) : data_(static_cast<std::int64_t>(i)) {}
inline Value::Value(long i) : data_(static_cast<std::int64_t>(i)) {}
inline Value::Value(long long i) : data_(static_cast<std::int64_t>(i)) {}
inline Value::Value(unsigned u) : data_(static_cast<std::uint64_t>(u)) {}
inline Value::Value(unsigned long u) : data_(static_cast<std::uint64_t>(u)) {}
inline Value::Value(unsigned long long u) : data_(static_cast<std::uint64_t>(u)) {}
inline Value::Value(std::string s) : data_(std::move(s)) {}
inline Value::Value(std::string_view s) : data_(std::string(s)) {}
inline Value::Value(const char* s) : data_(std::string(s)) {}
inline Value::Value(Array a) : data_(std::move(a)) {}
inline Value::Value(Object o) : data_(std::move(o)) {}
inline Value Value::object() { return Value(Object{}); }
inline Value Value::array() { return Value(Array{}); }

// True when a "diagnostics" array with at least one entry appears anywhere in the tree.
bool has_diagnostics(const Value& v);

// A compact single-line JSON rendering for tests and debugging (strings escaped byte-wise;
// not the product's JSON output, which goes through nlohmann in src/core).
std::string to_debug_json(const Value& v);

}  // namespace authctx::decode
