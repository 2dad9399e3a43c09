// Text conversions for strings found in tokens: UTF-16LE (NTLM Unicode strings, AV pairs;
// MS-NLMP §2.2) and single-byte OEM strings to UTF-8, and Windows FILETIME to RFC 3339.
// Unpaired surrogates become U+FFFD; an odd trailing byte is dropped (the caller reports it).
// OEM strings are taken as ISO-8859-1: the real OEM code page is not in the token.
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace authctx::decode {

std::string utf16le_to_utf8(std::span<const std::uint8_t> data);
std::string latin1_to_utf8(std::span<const std::uint8_t> data);
// FILETIME (100 ns ticks since 1601-01-01, MS-DTYP §2.3.3) as "YYYY-MM-DDTHH:MM:SSZ",
// or an empty string when outside the years 1970..9999.
std::string filetime_to_rfc3339(std::uint64_t filetime);

}  // namespace authctx::decode
