// IAKERB (draft-ietf-kitten-iakerb §3; MIT src/lib/gssapi/krb5/iakerb.c): the initiator
// tunnels its KDC exchanges through the acceptor. Each such token is TOK_ID 05 01, then
//   IAKERB-HEADER ::= SEQUENCE { target-realm [1] UTF8String, cookie [2] OCTET STRING OPTIONAL, ... }
// (MIT encodes target-realm as an OCTET STRING; both are accepted.)
// then the Kerberos message (AS-REQ/REP, TGS-REQ/REP or KRB-ERROR) itself.
#include "decode/krb5_types.hpp"

namespace authctx::decode {

Value decode_iakerb_body(Bytes data, std::size_t base, const Ctx& ctx, std::string_view gss_token_id) {
  Value node = make_node("iakerb.proxy", data.size());
  if (!gss_token_id.empty()) node.set("gss_token_id", gss_token_id);
  Diagnostics diag;
  DerReader top(data, base, diag);
  Tlv seq;
  if (top.expect(TagClass::universal, der_tag::sequence, seq, "IAKERB-HEADER")) {
    DerReader h = top.sub(seq);
    Value header = Value::object();
    DerReader f = h;
    // The draft says UTF8String; MIT 1.20 sends an OCTET STRING. Accept either.
    if (h.field(1, f, "target-realm", true)) {
      const auto t = f.peek();
      if (t && t->is(TagClass::universal, der_tag::octet_string)) {
        if (auto realm = der_read_octets(f, "target-realm")) {
          header.set("target_realm", std::string(realm->contents.begin(), realm->contents.end()));
        }
      } else if (auto realm = der_read_string(f, "target-realm")) {
        header.set("target_realm", *realm);
      }
    }
    if (h.field(2, f, "cookie", false)) {
      if (auto c = der_read_octets(f, "cookie")) {
        Value cookie = Value::object();
        cookie.set("length", c->contents.size());
        header.set("cookie", std::move(cookie));
      }
    }
    // Later extension fields (the header is extensible) are skipped, not reported.
    node.set("header", std::move(header));
    const Bytes rest = top.rest();
    if (rest.empty()) {
      diag.add(top.offset(), "IAKERB token has no Kerberos message after its header");
    } else {
      node.set("message", decode_krb5_message(rest, top.offset(), ctx.deeper()));
    }
  }
  diag.attach(node);
  return node;
}

}  // namespace authctx::decode
