#include "decode/ntlm_tables.hpp"

#include <string>

namespace authctx::decode {

namespace {
// MS-NLMP §2.2.2.5, bit 0 = 0x00000001.
constexpr std::string_view kFlags[32] = {
    "NTLMSSP_NEGOTIATE_UNICODE",                 // A 0x00000001
    "NTLM_NEGOTIATE_OEM",                        // B 0x00000002
    "NTLMSSP_REQUEST_TARGET",                    // C 0x00000004
    "r10",                                       //   0x00000008
    "NTLMSSP_NEGOTIATE_SIGN",                    // D 0x00000010
    "NTLMSSP_NEGOTIATE_SEAL",                    // E 0x00000020
    "NTLMSSP_NEGOTIATE_DATAGRAM",                // F 0x00000040
    "NTLMSSP_NEGOTIATE_LM_KEY",                  // G 0x00000080
    "r9",                                        //   0x00000100
    "NTLMSSP_NEGOTIATE_NTLM",                    // H 0x00000200
    "r8",                                        //   0x00000400
    "NTLMSSP_ANONYMOUS",                         // J 0x00000800
    "NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED",     // K 0x00001000
    "NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED",// L 0x00002000
    "r7",                                        //   0x00004000
    "NTLMSSP_NEGOTIATE_ALWAYS_SIGN",             // M 0x00008000
    "NTLMSSP_TARGET_TYPE_DOMAIN",                // N 0x00010000
    "NTLMSSP_TARGET_TYPE_SERVER",                // O 0x00020000
    "r6",                                        //   0x00040000
    "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY",// P 0x00080000
    "NTLMSSP_NEGOTIATE_IDENTIFY",                // Q 0x00100000
    "r5",                                        //   0x00200000
    "NTLMSSP_REQUEST_NON_NT_SESSION_KEY",        // R 0x00400000
    "NTLMSSP_NEGOTIATE_TARGET_INFO",             // S 0x00800000
    "r4",                                        //   0x01000000
    "NTLMSSP_NEGOTIATE_VERSION",                 // T 0x02000000
    "r3",                                        //   0x04000000
    "r2",                                        //   0x08000000
    "r1",                                        //   0x10000000
    "NTLMSSP_NEGOTIATE_128",                     // U 0x20000000
    "NTLMSSP_NEGOTIATE_KEY_EXCH",                // V 0x40000000
    "NTLMSSP_NEGOTIATE_56",                      // W 0x80000000
};

// MS-NLMP §2.2.2.1 AvId.
constexpr std::string_view kAvIds[] = {
    "MsvAvEOL",           "MsvAvNbComputerName", "MsvAvNbDomainName", "MsvAvDnsComputerName",
    "MsvAvDnsDomainName", "MsvAvDnsTreeName",    "MsvAvFlags",        "MsvAvTimestamp",
    "MsvAvSingleHost",    "MsvAvTargetName",     "MsvAvChannelBindings",
};
}  // namespace

Value ntlm_flag_names(std::uint32_t flags) {
  Value out = Value::array();
  for (std::size_t i = 0; i < 32; ++i) {
    if (flags & (1u << i)) out.push(kFlags[i]);
  }
  return out;
}

std::string_view ntlm_av_name(std::uint16_t id) { return id < std::size(kAvIds) ? kAvIds[id] : std::string_view{}; }

Value ntlm_av_flag_names(std::uint32_t flags) {
  // §2.2.2.1 MsvAvFlags: 0x1 account authentication is constrained, 0x2 the AUTHENTICATE
  // message carries a MIC, 0x4 the target SPN came from an untrusted source.
  Value out = Value::array();
  if (flags & 0x1) out.push("authentication_constrained");
  if (flags & 0x2) out.push("mic_present");
  if (flags & 0x4) out.push("spn_from_untrusted_source");
  for (std::size_t i = 3; i < 32; ++i) {
    if (flags & (1u << i)) out.push("bit_" + std::to_string(i));
  }
  return out;
}

}  // namespace authctx::decode
