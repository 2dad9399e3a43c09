// Names for the numbers in a PAC (MS-PAC, MS-DTYP, MS-SAMR, MS-NRPC), spelled as the
// defining document spells them:
//   buffer types      {"id": 1, "name": "logon_info"}   (MS-PAC §2.4 ulType; names as MIT's
//                                                        urn:mspac:<name> attributes)
//   well-known SIDs   "Everyone", "Authenticated Users", "Domain Users" (MS-DTYP §2.4.2.4)
//   group attributes  "SE_GROUP_MANDATORY", ...          (MS-PAC §2.2.1)
//   user flags        "LOGON_EXTRA_SIDS", ...            (MS-PAC §2.5, MS-NRPC §2.2.1.4.11)
//   account control   "USER_NORMAL_ACCOUNT", ...         (MS-SAMR §2.2.1.12)
// Flag words are {"value": N, "names": [...]}; unnamed set bits appear as "0x...".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "decode/value.hpp"

namespace authctx::decode {

// MS-PAC §2.4 ulType, e.g. 1 → "logon_info"; empty when unknown.
std::string_view pac_buffer_type_name(std::uint32_t type);
Value pac_buffer_type_value(std::uint32_t type);

// A name for a SID when it is well known (S-1-1-0 "Everyone", S-1-5-11 ...), or when it is
// a domain SID followed by a well-known RID (…-512 "Domain Admins"); empty otherwise.
std::string_view well_known_sid_name(std::string_view sid);
// A name for a RID relative to the account domain (500 "Administrator", 513 "Domain Users").
std::string_view well_known_rid_name(std::uint32_t rid);

Value group_attribute_flags(std::uint32_t attributes);
Value user_flags_value(std::uint32_t flags);
Value user_account_control_value(std::uint32_t uac);
Value upn_dns_flags_value(std::uint32_t flags);
Value pac_attributes_flags_value(std::uint32_t flags);

}  // namespace authctx::decode
