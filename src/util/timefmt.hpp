// RFC 3339 UTC timestamps ("2026-11-22T09:00:00Z") for JSON output.
#pragma once
#include <cstdint>
#include <string>

namespace authctx::util {
std::string rfc3339_utc(std::int64_t unix_seconds);
std::int64_t now_unix();
}  // namespace authctx::util
