// The Privilege Attribute Certificate (MS-PAC) an Active Directory KDC (and MIT krb5 ≥ 1.20,
// minimally) puts in tickets inside AD-IF-RELEVANT / AD-WIN2K-PAC (MS-PAC §2.1; RFC 4120
// §5.2.6.1), and that MIT's GSS-API library shows an acceptor as name attributes
// (urn:mspac:logon-info, urn:mspac:client-info, ..., and urn:mspac: for the whole PAC).
//
// decode_pac() reads a whole PACTYPE: the buffer list (§2.3–2.4) and each buffer decoded by
// its type into named fields:
//   1  logon_info        KERB_VALIDATION_INFO (NDR, §2.5): names, logon/logoff/password
//                        times, user and primary-group RIDs, domain SID, groups with their
//                        attributes, extra SIDs, resource groups, user flags, account control
//   2  credentials_info  version and enctype; the encrypted data only with show_secrets
//   6, 7, 16, 19         signatures (§2.8): checksum type, length and bytes (an HMAC over the
//                        PAC, an integrity value and no secret)
//   10 client_info       auth time and client name (§2.7)
//   11 delegation_info   S4U_DELEGATION_INFO (NDR, §2.9): proxy target, transited services
//   12 upn_dns_info      UPN, DNS domain, and with the S flag the SAM name and SID (§2.10)
//   17 attributes_info   PAC_WAS_REQUESTED / PAC_WAS_GIVEN_IMPLICITLY (§2.14)
//   18 requestor         the requesting account's SID (§2.15)
//   others               type and length
// decode_pac_buffer() decodes one buffer's bytes given its type (what a name attribute
// holds). SIDs are strings ("S-1-5-21-…-513") with a "name" when well known. FILETIMEs are
// RFC 3339 strings, "never" for 0x7fffffffffffffff, null for 0.
//
// Contract as decode.hpp: never throws (other than std::bad_alloc), never reads outside the
// span, bounds every count by the bytes that could hold it, and reports problems as
// "diagnostics" with offsets counted from the first byte given (plus `base`).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "decode/decode.hpp"
#include "decode/value.hpp"

namespace authctx::decode {

Value decode_pac(std::span<const std::uint8_t> pac, const Options& options = {}, std::size_t base = 0);
Value decode_pac_buffer(std::uint32_t type, std::span<const std::uint8_t> buffer, const Options& options = {},
                        std::size_t base = 0);

// True when the bytes have the shape of a PACTYPE: a small buffer count, version 0, and a
// buffer list whose 8-aligned offsets and sizes all fit. Used by decode_token's detection.
bool looks_like_pac(std::span<const std::uint8_t> data);

// The buffer type MIT names a urn:mspac: attribute after ("urn:mspac:logon-info" → 1,
// "urn:mspac:16" → 16); nullopt for the whole PAC ("urn:mspac:") and for other names.
std::optional<std::uint32_t> pac_buffer_type_for_attribute(std::string_view attribute);

}  // namespace authctx::decode
