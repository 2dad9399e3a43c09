// Top-level detection and the RFC 2743 §3.1 InitialContextToken framing.
#include "decode/decode.hpp"

#include <cstring>

#include "decode/decoders.hpp"
#include "decode/pac.hpp"
#include "util/base64.hpp"

namespace authctx::decode {

Value make_node(std::string_view type, std::size_t length) {
  Value v = Value::object();
  v.set("type", type);
  v.set("length", length);
  return v;
}

Value unknown_node(std::string_view reason, std::size_t length) {
  Value v = Value::object();
  v.set("type", "unknown");
  v.set("reason", reason);
  v.set("length", length);
  return v;
}

Value secret_bytes(Bytes data, const Ctx& ctx) {
  Value v = Value::object();
  v.set("length", data.size());
  if (ctx.options->show_secrets) {
    v.set("hex", hex_string(data));
  } else {
    v.set("redacted", true);
  }
  return v;
}

std::string hex_string(Bytes data) { return util::hex_encode(data); }

namespace {
std::string leading_bytes(Bytes data) {
  const auto n = data.size() < 4 ? data.size() : std::size_t{4};
  return hex_string(data.first(n));
}
}  // namespace

Value decode_any(Bytes data, std::size_t base, const Ctx& ctx, Mech hint) {
  if (ctx.depth > kMaxTokenDepth) {
    Value v = unknown_node("tokens nested too deeply", data.size());
    Diagnostics diag;
    diag.add(base, "tokens nested more than " + std::to_string(kMaxTokenDepth) + " levels deep; not decoded");
    diag.attach(v);
    return v;
  }
  if (data.empty()) return unknown_node("empty token", 0);
  if (looks_like_ntlm(data)) return decode_ntlm(data, base, ctx);
  const std::uint8_t b0 = data[0];
  if (b0 == 0x60) return decode_initial_context_token(data, base, ctx);
  if (b0 == 0xa0 || b0 == 0xa1) return decode_spnego(data, base, ctx);
  if (looks_like_krb5_message(data)) return decode_krb5_message(data, base, ctx);
  // Before the krb5 GSS token IDs: a PAC with one to three buffers starts 01 00, 02 00 or
  // 03 00 like an AP-REQ, AP-REP or KRB-ERROR token, but its buffer list must also fit.
  if (looks_like_pac(data)) return decode_pac(data, *ctx.options, base);
  if (looks_like_krb5_gss_token(data)) return decode_krb5_gss_token(data, base, ctx, hint);
  // A bare IAKERB-HEADER (SEQUENCE { [1] realm ...}) followed by a Kerberos message.
  if (b0 == 0x30 && data.size() > 2 && (hint == Mech::iakerb || data[2] == 0xa1 || (data.size() > 4 && data[1] > 0x80))) {
    Diagnostics probe;
    DerReader r(data, base, probe);
    Tlv header;
    if (r.read(header, "IAKERB-HEADER") && looks_like_krb5_message(r.rest())) {
      return decode_iakerb_body(data, base, ctx, {});
    }
  }
  // An NTLM signature has no magic beyond its version word; take it when the surrounding
  // token says NTLM, or when nothing else matched and the shape fits.
  if (looks_like_ntlm_signature(data) && (hint == Mech::ntlmssp || hint == Mech::unknown)) {
    return decode_ntlm_signature(data, base, ctx);
  }
  if (hint == Mech::negoex && data.size() >= 8 && std::memcmp(data.data(), "NEGOEXTS", 8) == 0) {
    return unknown_node("NegoEx messages (MS-NEGOEX) are not decoded", data.size());
  }
  return unknown_node("unrecognised token (leading bytes " + leading_bytes(data) + ")", data.size());
}

Value decode_initial_context_token(Bytes data, std::size_t base, const Ctx& ctx) {
  Value node = make_node("gss.initial_context_token", data.size());
  Diagnostics diag;
  DerReader top(data, base, diag);
  Tlv outer;
  // RFC 2743 §3.1: [APPLICATION 0] IMPLICIT SEQUENCE { thisMech MechType, innerToken ANY }.
  if (top.expect(TagClass::application, 0, outer, "InitialContextToken")) {
    top.expect_end("InitialContextToken");
    DerReader body = top.sub(outer);
    if (const auto oid = der_read_oid(body, "thisMech")) {
      node.set("mech", oid_value(*oid));
      const Mech mech = mech_from_oid(*oid);
      const Bytes inner = body.rest();
      const std::size_t inner_at = body.offset();
      Value inner_node;
      switch (mech) {
        case Mech::spnego: inner_node = decode_spnego(inner, inner_at, ctx.deeper()); break;
        case Mech::krb5:
        case Mech::krb5_old:
        case Mech::krb5_wrong:
        case Mech::iakerb: inner_node = decode_krb5_gss_token(inner, inner_at, ctx.deeper(), mech); break;
        case Mech::ntlmssp: inner_node = decode_any(inner, inner_at, ctx.deeper(), mech); break;
        case Mech::negoex:
        case Mech::unknown:
          inner_node = unknown_node("inner token of mechanism " + *oid + " is not decoded", inner.size());
          break;
      }
      node.set("inner_token", std::move(inner_node));
    }
  }
  diag.attach(node);
  return node;
}

Value decode_token(std::span<const std::uint8_t> token, const Options& options) {
  const Ctx ctx{&options, 0};
  return decode_any(token, 0, ctx, Mech::unknown);
}

}  // namespace authctx::decode
