// Kerberos GSS-API tokens: the two-byte TOK_ID that follows the mech OID in context tokens
// (RFC 4121 §4.1, RFC 1964 §1.1) and the per-message tokens.
//   01 00 AP-REQ   02 00 AP-REP   03 00 KRB-ERROR          (RFC 4121 §4.1)
//   04 04 MIC      05 04 Wrap     04 05 delete-context     (RFC 4121 §4.2.6; MIT KG2_TOK_DEL_CTX)
//   01 01 MIC      02 01 Wrap     01 02 delete-context     (RFC 1964 §1.2, §1.3, legacy)
//   05 01 IAKERB proxy message                             (MIT IAKERB_TOK_PROXY)
#include <cstring>

#include "decode/decoders.hpp"

namespace authctx::decode {

namespace {

std::uint64_t be(Bytes b, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | b[at + i];
  return v;
}

std::uint16_t tok_id_of(Bytes data) { return static_cast<std::uint16_t>((data[0] << 8) | data[1]); }

std::string tok_id_text(Bytes data) {
  return hex_string(data.first(1)) + " " + hex_string(data.subspan(1, 1));
}

Value cfx_flags(std::uint8_t flags) {
  // RFC 4121 §4.2.2: SentByAcceptor 0x01, Sealed 0x02, AcceptorSubkey 0x04.
  Value names = Value::array();
  if (flags & 0x01) names.push("sent_by_acceptor");
  if (flags & 0x02) names.push("sealed");
  if (flags & 0x04) names.push("acceptor_subkey");
  for (int bit = 3; bit < 8; ++bit) {
    if (flags & (1u << bit)) names.push("bit_" + std::to_string(bit));
  }
  return names;
}

Value decode_cfx(Bytes data, std::size_t base, std::uint16_t id) {
  // RFC 4121 §4.2.6.1 MIC:  TOK_ID(2) Flags(1) Filler ff×5 SND_SEQ(8) SGN_CKSUM
  // RFC 4121 §4.2.6.2 Wrap: TOK_ID(2) Flags(1) Filler ff EC(2) RRC(2) SND_SEQ(8) Data
  const bool mic = id == 0x0404;
  const bool del = id == 0x0405;
  Value node = make_node(mic ? "krb5.mic" : (del ? "krb5.delete_context" : "krb5.wrap"), data.size());
  node.set("gss_token_id", tok_id_text(data));
  Diagnostics diag;
  if (data.size() < 16) {
    diag.add(base + data.size(), "RFC 4121 token header needs 16 bytes, have " + std::to_string(data.size()));
    if (data.size() >= 3) node.set("flags", cfx_flags(data[2]));
    diag.attach(node);
    return node;
  }
  const std::uint8_t flags = data[2];
  node.set("flags", cfx_flags(flags));
  if (mic || del) {
    for (std::size_t i = 3; i < 8; ++i) {
      if (data[i] != 0xff) {
        diag.add(base + i, "filler byte is not 0xff");
        break;
      }
    }
    node.set("snd_seq", be(data, 8, 8));
    node.set("checksum_length", data.size() - 16);
  } else {
    if (data[3] != 0xff) diag.add(base + 3, "filler byte is not 0xff");
    node.set("ec", be(data, 4, 2));
    node.set("rrc", be(data, 6, 2));
    node.set("snd_seq", be(data, 8, 8));
    node.set("data_length", data.size() - 16);
  }
  diag.attach(node);
  return node;
}

Value decode_rfc1964(Bytes data, std::size_t base, std::uint16_t id) {
  // RFC 1964 §1.2.1 MIC:  TOK_ID SGN_ALG(2) Filler ff×4 SND_SEQ(8, encrypted) SGN_CKSUM(8)
  // RFC 1964 §1.2.2 Wrap: TOK_ID SGN_ALG(2) SEAL_ALG(2) Filler ff×2 SND_SEQ(8) SGN_CKSUM(8) Data
  const bool wrap = id == 0x0201;
  Value node = make_node(id == 0x0102 ? "krb5.delete_context" : (wrap ? "krb5.wrap" : "krb5.mic"), data.size());
  node.set("gss_token_id", tok_id_text(data));
  node.set("rfc1964", true);
  Diagnostics diag;
  if (data.size() < 24) {
    diag.add(base + data.size(), "RFC 1964 token header needs 24 bytes, have " + std::to_string(data.size()));
    diag.attach(node);
    return node;
  }
  const auto sgn = static_cast<std::uint16_t>((data[2] << 8) | data[3]);
  Value sgn_alg = Value::object();
  sgn_alg.set("id", sgn);
  // RFC 1964 §1.2.1.1, RFC 4757 §7.3 (0x1100 HMAC MD5), MIT (0x0400 HMAC SHA1 DES3-KD).
  switch (sgn) {
    case 0x0000: sgn_alg.set("name", "DES MAC MD5"); break;
    case 0x0100: sgn_alg.set("name", "MD2.5"); break;
    case 0x0200: sgn_alg.set("name", "DES MAC"); break;
    case 0x0400: sgn_alg.set("name", "HMAC SHA1 DES3-KD"); break;
    case 0x1100: sgn_alg.set("name", "HMAC MD5 ARCFOUR"); break;
    default: break;
  }
  node.set("sgn_alg", std::move(sgn_alg));
  if (wrap) {
    const auto seal = static_cast<std::uint16_t>((data[4] << 8) | data[5]);
    Value seal_alg = Value::object();
    seal_alg.set("id", seal);
    switch (seal) {
      case 0x0000: seal_alg.set("name", "DES"); break;
      case 0x0200: seal_alg.set("name", "DES3-KD"); break;
      case 0x1000: seal_alg.set("name", "ARCFOUR"); break;
      case 0xffff: seal_alg.set("name", "none"); break;
      default: break;
    }
    node.set("seal_alg", std::move(seal_alg));
    node.set("data_length", data.size() - 24);
  }
  diag.attach(node);
  return node;
}

}  // namespace

bool looks_like_krb5_gss_token(Bytes data) {
  if (data.size() < 3) return false;
  switch (tok_id_of(data)) {
    case 0x0100:
    case 0x0200:
    case 0x0300: return looks_like_krb5_message(data.subspan(2));
    case 0x0404:
    case 0x0504:
    case 0x0405: return data[2] < 0x08 && (data.size() < 4 || data[3] == 0xff);
    case 0x0101:
    case 0x0201:
    case 0x0102: return data.size() >= 8 && data[6] == 0xff && data[7] == 0xff;
    case 0x0501: return data[2] == 0x30;
    default: return false;
  }
}

Value decode_krb5_gss_token(Bytes data, std::size_t base, const Ctx& ctx, Mech mech) {
  if (data.size() < 2) {
    Value node = unknown_node("Kerberos GSS token shorter than its 2-byte TOK_ID", data.size());
    Diagnostics diag;
    diag.add(base + data.size(), "truncated before TOK_ID");
    diag.attach(node);
    return node;
  }
  const std::uint16_t id = tok_id_of(data);
  const Bytes body = data.subspan(2);
  const std::string tok = tok_id_text(data);
  switch (id) {
    case 0x0100:
    case 0x0200:
    case 0x0300: {
      Value node = decode_krb5_message(body, base + 2, ctx, tok);
      // The TOK_ID promises a message kind (RFC 4121 §4.1); say so when the body disagrees.
      const char* expected = id == 0x0100 ? "krb5.ap_req" : (id == 0x0200 ? "krb5.ap_rep" : "krb5.krb_error");
      if (node["type"].as_string() != expected) {
        Diagnostics diag;
        diag.add(base + 2, std::string("TOK_ID ") + tok + " announces " + expected + " but the body is " +
                               node["type"].as_string());
        diag.attach(node);
      }
      return node;
    }
    case 0x0404:
    case 0x0504:
    case 0x0405: return decode_cfx(data, base, id);
    case 0x0101:
    case 0x0201:
    case 0x0102: return decode_rfc1964(data, base, id);
    case 0x0501: return decode_iakerb_body(body, base + 2, ctx, tok);
    default: break;
  }
  (void)mech;
  Value node = unknown_node("unknown Kerberos GSS TOK_ID " + tok, data.size());
  Diagnostics diag;
  diag.add(base, "unknown TOK_ID " + tok);
  diag.attach(node);
  return node;
}

}  // namespace authctx::decode
