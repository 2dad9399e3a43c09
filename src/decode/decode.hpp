// authctx::decode: the entry point of the pure token decoders.
//
// decode_token() takes the bytes of one GSS-API / Kerberos / NTLM token and returns a tree
// (value.hpp) describing everything it understood. It auto-detects the outer form:
//   0x60 ...            RFC 2743 §3.1 InitialContextToken (mech OID named, inner token
//                       decoded by mech: SPNEGO, krb5, IAKERB, NTLM)
//   0xa0 / 0xa1         a bare SPNEGO NegTokenInit / NegTokenResp (RFC 4178 §4.2)
//   "NTLMSSP\0"         a raw NTLM message (MS-NLMP §2.2.1)
//   01 00, 04 04, ...   a raw krb5 GSS token (RFC 4121 §4.1 token IDs)
//   0x6e, 0x7e, ...     a raw RFC 4120 message ([APPLICATION n]: AP-REQ, KRB-ERROR, ...)
//   0x30 ...            a bare IAKERB-HEADER followed by a Kerberos message
//   n 0 0 0 0 0 0 0     an MS-PAC PACTYPE (pac.hpp), when its buffer list fits
// Anything else is {"type":"unknown","reason":...,"length":N}.
//
// Contract: never throws (other than std::bad_alloc), never reads outside the span, bounds
// nesting depth, and on malformed input returns what it decoded before the problem plus a
// "diagnostics" array whose offsets count from the first byte of the span given here.
// Kerberos cipher bytes are never included, only their lengths; NTLM responses, MICs and
// session keys appear only when Options::show_secrets is set. With Options::decryptor,
// the plaintext of what it opens is decoded under "decrypted"; offsets of diagnostics inside
// a "decrypted" node count from the first byte of that plaintext, not of the token.
#pragma once
#include <cstdint>
#include <span>

#include "decode/value.hpp"

namespace authctx::decode {

class Decryptor;  // decryptor.hpp

struct Options {
  bool show_secrets = false;  // include NTLM response/MIC/session-key bytes as hex
  // When set, Kerberos encrypted parts are opened through it and their plaintext decoded
  // ("decrypted", next to the part); see decryptor.hpp. Not owned.
  Decryptor* decryptor = nullptr;
};

Value decode_token(std::span<const std::uint8_t> token, const Options& options = {});

}  // namespace authctx::decode
