// HTTP messages as plain values, the same on both sides of the library: a header list that
// keeps order and repeats (WWW-Authenticate may come several times, RFC 9110 §5.3), with
// case-insensitive lookups; a request; a response. No I/O here: client.hpp and server.hpp
// move these over connections.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authctx::http {

struct Header {
  std::string name;
  std::string value;
};

class Headers {
 public:
  void add(std::string name, std::string value) { list_.push_back({std::move(name), std::move(value)}); }
  // Replaces every field of this name by one.
  void set(const std::string& name, std::string value);
  void remove(std::string_view name);
  // Every value of the fields with this name, in order.
  std::vector<std::string> all(std::string_view name) const;
  // The first value, if any.
  std::optional<std::string> first(std::string_view name) const;
  bool has(std::string_view name) const { return first(name).has_value(); }
  const std::vector<Header>& list() const { return list_; }
  bool empty() const { return list_.empty(); }

 private:
  std::vector<Header> list_;
};

bool iequals(std::string_view a, std::string_view b);
// RFC 9110 §5.6.2 tchar: the characters of a token (methods, field names, auth schemes).
bool is_tchar(char c);
// "2.5 s": a duration for messages.
std::string seconds_text(std::chrono::milliseconds duration);

// A header line given on the command line ("Name: value"); throws a usage error for a
// missing colon, a bad field name (RFC 9110 §5.1 token) or CR/LF/NUL anywhere (header
// injection).
Header parse_header_line(const std::string& line);

// Printable form of peer bytes for messages: printable ASCII kept, the rest as \xNN, at
// most max bytes (then "...").
std::string escape_bytes(std::string_view bytes, std::size_t max = 48);

struct Request {
  std::string method = "GET";
  std::string target = "/";
  Headers headers;
  std::string body;
};

struct Response {
  int status = 0;
  std::string reason;
  int version = 11;  // 10 or 11
  Headers headers;
  std::string body;
  bool keep_alive = true;    // false: the server will close (or closed) after this response
  bool close_after = false;  // server side: close the connection after sending this
  bool redirect() const { return status >= 300 && status < 400 && headers.has("Location"); }
};

}  // namespace authctx::http
