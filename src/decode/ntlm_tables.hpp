// Names for NTLM numbers (MS-NLMP): NegotiateFlags bits (§2.2.2.5, spelled as the spec's
// constants, e.g. "NTLMSSP_NEGOTIATE_UNICODE"; unnamed bits as "r1".."r10" like the spec),
// AV pair ids (§2.2.2.1, e.g. "MsvAvTimestamp") and MsvAvFlags bits.
#pragma once
#include <cstdint>
#include <string_view>

#include "decode/value.hpp"

namespace authctx::decode {

Value ntlm_flag_names(std::uint32_t flags);
std::string_view ntlm_av_name(std::uint16_t id);
Value ntlm_av_flag_names(std::uint32_t flags);

}  // namespace authctx::decode
