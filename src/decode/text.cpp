#include "decode/text.hpp"

#include "util/timefmt.hpp"

namespace authctx::decode {

namespace {
void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}
}  // namespace

std::string utf16le_to_utf8(std::span<const std::uint8_t> data) {
  std::string out;
  out.reserve(data.size() / 2);
  const std::size_t units = data.size() / 2;
  for (std::size_t i = 0; i < units; ++i) {
    const std::uint32_t u = data[2 * i] | (static_cast<std::uint32_t>(data[2 * i + 1]) << 8);
    if (u >= 0xd800 && u <= 0xdbff && i + 1 < units) {
      const std::uint32_t lo = data[2 * i + 2] | (static_cast<std::uint32_t>(data[2 * i + 3]) << 8);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        append_utf8(out, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
        ++i;
        continue;
      }
    }
    append_utf8(out, (u >= 0xd800 && u <= 0xdfff) ? 0xfffd : u);
  }
  return out;
}

std::string latin1_to_utf8(std::span<const std::uint8_t> data) {
  std::string out;
  out.reserve(data.size());
  for (const auto b : data) append_utf8(out, b);
  return out;
}

std::string filetime_to_rfc3339(std::uint64_t filetime) {
  constexpr std::uint64_t kTicksPerSecond = 10'000'000;
  constexpr std::uint64_t kEpochDelta = 11'644'473'600;  // seconds from 1601 to 1970
  constexpr std::uint64_t kMaxUnix = 253'402'300'799;    // 9999-12-31T23:59:59Z
  const std::uint64_t secs = filetime / kTicksPerSecond;
  if (secs < kEpochDelta || secs - kEpochDelta > kMaxUnix) return {};
  return util::rfc3339_utc(static_cast<std::int64_t>(secs - kEpochDelta));
}

}  // namespace authctx::decode
