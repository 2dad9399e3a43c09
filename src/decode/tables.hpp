// Name tables for numbers that appear in Kerberos and GSS tokens, and the Value shapes the
// decoders use for them. Names are spelled as their defining document spells them:
//   enctypes           {"id": 18, "name": "aes256-cts-hmac-sha1-96"}       (RFC 3961 §8, MIT)
//   principal types    {"id": 3, "name": "NT-SRV-HST"}                     (RFC 4120 §6.2)
//   error codes        {"code": 37, "name": "KRB_AP_ERR_SKEW"}              (RFC 4120 §7.5.9)
//   padata types       {"id": 19, "name": "PA-ETYPE-INFO2"}                 (RFC 4120 §7.5.2, IANA)
//   message types      {"id": 14, "name": "KRB_AP_REQ"}                     (RFC 4120 §7.5.7)
//   checksum types     {"id": 16, "name": "hmac-sha1-96-aes256"}            (RFC 3961 §8, RFC 4121)
//   auth-data types    {"id": 128, "name": "AD-WIN2K-PAC"}                  (RFC 4120 §7.5.4, IANA)
//   KDC/AP options     "forwardable", "mutual-required", ...                (RFC 4120 §5.4.1, §5.5.1)
//   SPNEGO reqFlags    "deleg", "mutual", ... (the contract's GSS flag names; RFC 4178 §4.2.1)
// Unknown numbers keep their id and get no "name"; unknown flag bits appear as "bit_N".
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "decode/value.hpp"

namespace authctx::decode {

struct NamedNumber {
  std::int64_t id;
  std::string_view name;
};

// The name for id in table, or an empty view.
std::string_view lookup_name(std::span<const NamedNumber> table, std::int64_t id);

std::span<const NamedNumber> enctype_table();
std::span<const NamedNumber> name_type_table();
std::span<const NamedNumber> krb_error_table();
std::span<const NamedNumber> padata_type_table();
std::span<const NamedNumber> krb_msg_type_table();

Value enctype_value(std::int64_t id);
Value name_type_value(std::int64_t id);
Value krb_error_value(std::int64_t code);
Value padata_type_value(std::int64_t id);
Value krb_msg_type_value(std::int64_t id);
Value checksum_type_value(std::int64_t id);
Value ad_type_value(std::int64_t id);

// Names of the set bits of a KerberosFlags-style BIT STRING read by der_read_flags32, where
// names[i] is bit i (bit 0 = most significant bit of the first octet).
Value bit_string_names(std::uint32_t bits, std::span<const std::string_view> names);
std::span<const std::string_view> kdc_option_names();
std::span<const std::string_view> ap_option_names();
std::span<const std::string_view> ticket_flag_names();
std::span<const std::string_view> spnego_context_flag_names();

}  // namespace authctx::decode
