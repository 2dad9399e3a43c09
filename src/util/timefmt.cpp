#include "util/timefmt.hpp"

#include <ctime>

namespace authctx::util {
std::string rfc3339_utc(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (::gmtime_r(&t, &tm) == nullptr) return {};
  char buf[32];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

std::int64_t now_unix() { return static_cast<std::int64_t>(std::time(nullptr)); }
}  // namespace authctx::util
