// Decoders for what is inside Kerberos encrypted parts (RFC 4120), used once a Decryptor
// (decryptor.hpp) has opened them, and for the KRB-CRED message that carries them:
//   EncTicketPart  [APPLICATION 3]  §5.3    flags, session key, client, transited, times,
//                                           addresses, authorization data (the PAC)
//   Authenticator  [APPLICATION 2]  §5.5.1  client, ctime/cusec, the checksum (RFC 4121
//                                           §4.1.1 GSS checksum: bindings hash, flags,
//                                           delegated KRB-CRED), subkey, sequence number
//   EncAPRepPart   [APPLICATION 27] §5.5.2  ctime/cusec, subkey, sequence number
//   EncKrbCredPart [APPLICATION 29] §5.8.1  each forwarded ticket's key, names and times
//   EncKDCRepPart  [APPLICATION 25/26] §5.4.2
// Keys are {"enctype", "length"} plus "hex" with show_secrets (else "redacted": true), and
// each one found is handed to the decryptor (learn_key) for the parts that follow.
// Plaintext decoders take the plaintext alone: their diagnostics count from its first byte.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>

#include "decode/decoders.hpp"

namespace authctx::decode {

using PlainDecoder = Value (*)(Bytes plain, const Ctx& ctx);

Value decode_enc_ticket_part(Bytes plain, const Ctx& ctx);
Value decode_authenticator(Bytes plain, const Ctx& ctx);
Value decode_enc_ap_rep_part(Bytes plain, const Ctx& ctx);
Value decode_enc_krb_cred_part(Bytes plain, const Ctx& ctx);
Value decode_enc_kdc_rep_part(Bytes plain, const Ctx& ctx);

// §5.2.9 EncryptionKey: {"enctype", "length", "hex" | "redacted"}; the key is handed to
// the decryptor's learn_key with `what` as its description.
Value read_encryption_key(DerReader& r, const Ctx& ctx, const std::string& what);
// §5.2.6 AuthorizationData, with AD-IF-RELEVANT (and the other containers) opened, the PAC
// (AD-WIN2K-PAC, MS-PAC) decoded and AD-AUTH-DATA-AP-OPTIONS named; bounded depth.
Value read_authorization_data(DerReader& r, const Ctx& ctx);
// The node for a plaintext that is an [APPLICATION tag] SEQUENCE (one of `tags`): opens
// both, calls fields(seq_reader, node) for the members, checks nothing trails, and attaches
// the diagnostics (offsets from the plaintext's first byte).
bool open_application_sequence(DerReader& top, std::initializer_list<std::uint32_t> tags, std::string_view what,
                               DerReader& body);
template <class Fields>
Value plaintext_node(Bytes plain, std::string_view type, std::initializer_list<std::uint32_t> tags,
                     std::string_view what, Fields&& fields) {
  Value node = make_node(type, plain.size());
  Diagnostics diag;
  DerReader top(plain, 0, diag);
  DerReader s = top;
  if (open_application_sequence(top, tags, what, s)) {
    fields(s, node);
    s.expect_end(what);
  }
  diag.attach(node);
  return node;
}
// RFC 4121 §4.1.1 authenticator checksum (type 0x8003) contents.
Value decode_gss_checksum(Bytes data, std::size_t base, const Ctx& ctx);
// §5.8.1 KRB-CRED body (inside [APPLICATION 22] SEQUENCE): tickets and the enc-part.
void decode_krb_cred_body(DerReader& s, Value& node, const Ctx& ctx);

}  // namespace authctx::decode
