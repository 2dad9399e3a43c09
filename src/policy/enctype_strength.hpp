// The strength order of Kerberos encryption types that `enctype>=X` and `ticket-enctype>=X`
// compare against. Enctypes fall into ranks, weakest first:
//
//   none (0) < rc4-exp (24) < des (1, 2, 3) < rc4 (23, -128) < des3 (5, 7, 16)
//            < aes128 (17, 19, camellia128 25) < aes256 (18, 20, camellia256 26)
//
// Enctypes of one rank are equally strong here: the rank is the key's strength (RFC 3961
// families; RFC 6649 retires DES, RFC 8429 3DES and RC4, and RC4's key is the unsalted NT
// hash, hence below 3DES). An enctype this table does not know has no rank and meets no
// floor. A spec names either a rank (des, rc4, des3, aes, aes128, aes256, camellia128,
// camellia256), or one enctype: its RFC name (aes256-cts-hmac-sha1-96), an MIT alias
// (aes256-cts, aes256-sha1, rc4-hmac, ...) or its number; a floor given as one enctype
// means that enctype's rank.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace authctx::policy {

struct EnctypeSpec {
  std::string text;                // as written
  std::optional<std::int64_t> id;  // set when the spec names one enctype
  int rank = 0;
};

// Parses a rank word, an enctype name or alias (case-insensitive), or a number. A number
// this table does not know parses (with no rank) only when exact is set.
std::optional<EnctypeSpec> parse_enctype_spec(std::string_view text, bool exact);

// The rank of an enctype number, if known.
std::optional<int> enctype_rank(std::int64_t id);

// The rank's word ("aes128").
std::string_view rank_word(int rank);

// The canonical name of an enctype number ("aes256-cts-hmac-sha1-96"), or its number.
std::string enctype_label(std::int64_t id);

// "none < rc4-exp < des < rc4 < des3 < aes128 < aes256", for messages and docs.
std::string_view strength_order_text();

}  // namespace authctx::policy
