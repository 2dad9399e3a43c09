// Internal interface between the decoder modules (not installed for callers; use
// decode.hpp). Every decoder takes the bytes of one token or message and `base`, the
// absolute offset of bytes[0] within the caller's whole input, so diagnostics can report
// offsets relative to that input. Every decoder returns an object node whose first keys are
// "type" and "length", never throws, and attaches its own problems as "diagnostics".
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "decode/decode.hpp"
#include "decode/decryptor.hpp"
#include "decode/der_reader.hpp"
#include "decode/diagnostics.hpp"
#include "decode/oids.hpp"
#include "decode/value.hpp"

namespace authctx::decode {

// Tokens nest (ICT → SPNEGO → ICT → AP-REQ; TGS-REQ → PA-TGS-REQ → AP-REQ …); real
// tokens stay under 6 levels. Deeper input is reported, not followed.
inline constexpr int kMaxTokenDepth = 12;

struct Ctx {
  const Options* options;
  int depth = 0;
  bool in_tgs_req = false;  // an AP-REQ inside PA-TGS-REQ: its authenticator uses key usage 7
  Ctx deeper() const { return Ctx{options, depth + 1, false}; }
  Decryptor* decryptor() const { return options->decryptor; }
};

// {"type": type, "length": n}
Value make_node(std::string_view type, std::size_t length);
Value unknown_node(std::string_view reason, std::size_t length);
// {"length": n} plus "hex" when show_secrets, else "redacted": true.
Value secret_bytes(Bytes data, const Ctx& ctx);

// Auto-detects the form (see decode.hpp); `hint` is the mechanism the surrounding token
// says this is, used when the bytes alone are ambiguous.
Value decode_any(Bytes data, std::size_t base, const Ctx& ctx, Mech hint);

// RFC 2743 §3.1 framing: 0x60, mech OID, inner token decoded by mech.
Value decode_initial_context_token(Bytes data, std::size_t base, const Ctx& ctx);
// RFC 4178 §4.2 NegotiationToken: [0] NegTokenInit(2) or [1] NegTokenResp.
Value decode_spnego(Bytes data, std::size_t base, const Ctx& ctx);
// RFC 4121 §4.1 / RFC 1964 §1: two-byte TOK_ID then the body. `mech` picks IAKERB handling.
Value decode_krb5_gss_token(Bytes data, std::size_t base, const Ctx& ctx, Mech mech);
bool looks_like_krb5_gss_token(Bytes data);
// RFC 4120 messages ([APPLICATION n]). `gss_token_id` is recorded when non-empty.
Value decode_krb5_message(Bytes data, std::size_t base, const Ctx& ctx, std::string_view gss_token_id = {});
bool looks_like_krb5_message(Bytes data);
// IAKERB-HEADER then a Kerberos message (draft-ietf-kitten-iakerb §3; MIT iakerb.c).
Value decode_iakerb_body(Bytes data, std::size_t base, const Ctx& ctx, std::string_view gss_token_id);
// MS-NLMP §2.2.1 messages starting with "NTLMSSP\0".
Value decode_ntlm(Bytes data, std::size_t base, const Ctx& ctx);
bool looks_like_ntlm(Bytes data);
// MS-NLMP §2.2.2.9 message signature (GSS_GetMIC) or signature + sealed data (GSS_Wrap).
Value decode_ntlm_signature(Bytes data, std::size_t base, const Ctx& ctx);
bool looks_like_ntlm_signature(Bytes data);

std::string hex_string(Bytes data);

}  // namespace authctx::decode
