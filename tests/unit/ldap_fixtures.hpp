// Byte helpers shared by the LDAP library's unit tests.
#pragma once
#include <initializer_list>
#include <string_view>

#include "ldap/errors.hpp"

namespace authctx::ldap::testing {

inline Bytes bytes_of(std::initializer_list<int> v) {
  Bytes out;
  for (int b : v) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}
inline Bytes ascii(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace authctx::ldap::testing
