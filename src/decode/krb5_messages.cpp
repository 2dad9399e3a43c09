// RFC 4120 Kerberos messages, told apart by their [APPLICATION n] tag (§5.10):
//   10 AS-REQ, 12 TGS-REQ (KDC-REQ, §5.4.1)   11 AS-REP, 13 TGS-REP (KDC-REP, §5.4.2)
//   14 AP-REQ (§5.5.1)   15 AP-REP (§5.5.2)   20 KRB-SAFE, 21 KRB-PRIV, 22 KRB-CRED (§5.6–5.8)
//   30 KRB-ERROR (§5.9.1)
// Encrypted parts are described (enctype, kvno, cipher length) and never copied; with
// Options::decryptor they are opened and their plaintext decoded (krb5_enc_parts.hpp).
#include "decode/krb5_types.hpp"
#include "decode/tables.hpp"

namespace authctx::decode {

namespace {

void read_pvno_msg_type(DerReader& s, Value& node, std::uint32_t pvno_tag, std::int64_t expected_type) {
  read_int_field(s, pvno_tag, node, "pvno", true);
  DerReader f = s;
  if (s.field(pvno_tag + 1, f, "msg-type", true)) {
    const std::size_t at = f.offset();
    if (auto t = der_read_integer(f, "msg-type")) {
      node.set("msg_type", krb_msg_type_value(*t));
      if (*t != expected_type) {
        f.fail(at, "msg-type " + std::to_string(*t) + " does not match the application tag (" +
                       std::to_string(expected_type) + ")");
      }
    }
  }
}

void decode_ap_req(DerReader& s, Value& node, const Ctx& ctx) {
  // AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0], msg-type [1], ap-options [2] APOptions,
  //                                        ticket [3] Ticket, authenticator [4] EncryptedData }
  read_pvno_msg_type(s, node, 0, 14);
  DerReader f = s;
  if (s.field(2, f, "ap-options", true)) {
    if (auto bits = der_read_flags32(f, "ap-options")) node.set("ap_options", bit_string_names(*bits, ap_option_names()));
  }
  if (s.field(3, f, "ticket", true)) node.set("ticket", read_ticket(f, ctx));
  if (s.field(4, f, "authenticator", true)) {
    // Opened with the ticket's session key, which decrypting the ticket just taught the
    // decryptor (RFC 4120 §5.5.1; key usage 7 inside PA-TGS-REQ, §5.4.1).
    EncryptedData enc = read_encrypted_data_parts(f, "authenticator");
    open_encrypted(enc, ctx.in_tgs_req ? KeyUsage::tgs_authenticator : KeyUsage::ap_authenticator, {}, ctx,
                   decode_authenticator);
    node.set("authenticator", std::move(enc.node));
  }
}

void decode_ap_rep(DerReader& s, Value& node, const Ctx& ctx) {
  // AP-REP ::= [APPLICATION 15] SEQUENCE { pvno [0], msg-type [1], enc-part [2] EncryptedData }
  read_pvno_msg_type(s, node, 0, 15);
  DerReader f = s;
  if (s.field(2, f, "enc-part", true)) {
    EncryptedData enc = read_encrypted_data_parts(f, "enc-part");
    open_encrypted(enc, KeyUsage::ap_rep, {}, ctx, decode_enc_ap_rep_part);
    node.set("enc_part", std::move(enc.node));
  }
}

void decode_e_data(const Tlv& data, Value& out, const Ctx& ctx) {
  // §5.9.1: e-data is usually METHOD-DATA (SEQUENCE OF PA-DATA, §5.9.3) for
  // KDC_ERR_PREAUTH_REQUIRED, else possibly TYPED-DATA (§5.9.1) or something private. Try
  // METHOD-DATA on a scratch collector first so a different shape is not reported as broken.
  out.set("length", data.contents.size());
  {
    Diagnostics probe;
    DerReader r(data.contents, data.contents_offset, probe);
    Value list = read_padata_list(r, ctx);
    if (probe.empty() && r.at_end()) {
      out.set("method_data", std::move(list));
      return;
    }
  }
  {
    // TYPED-DATA ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { data-type [0] Int32, data-value [1] OCTET STRING OPTIONAL }
    Diagnostics probe;
    DerReader r(data.contents, data.contents_offset, probe);
    Value list = Value::array();
    Tlv seq;
    if (r.expect(TagClass::universal, der_tag::sequence, seq, "TYPED-DATA")) {
      DerReader items = r.sub(seq);
      while (!items.at_end()) {
        Tlv entry;
        if (!items.expect(TagClass::universal, der_tag::sequence, entry, "TYPED-DATA")) break;
        DerReader e = items.sub(entry);
        Value v = Value::object();
        read_int_field(e, 0, v, "data_type", true);
        DerReader f = e;
        if (e.field(1, f, "data-value", false)) {
          if (auto val = der_read_octets(f, "data-value")) v.set("length", val->contents.size());
        }
        e.expect_end("TYPED-DATA");
        list.push(std::move(v));
      }
      r.expect_end("TYPED-DATA");
    }
    if (probe.empty() && list.size() > 0) out.set("typed_data", std::move(list));
  }
}

void decode_krb_error(DerReader& s, Value& node, const Ctx& ctx) {
  // KRB-ERROR ::= [APPLICATION 30] SEQUENCE { pvno [0], msg-type [1], ctime [2] OPTIONAL,
  //   cusec [3] OPTIONAL, stime [4], susec [5], error-code [6] Int32, crealm [7] OPTIONAL,
  //   cname [8] OPTIONAL, realm [9], sname [10], e-text [11] OPTIONAL, e-data [12] OPTIONAL }
  read_pvno_msg_type(s, node, 0, 30);
  read_time_field(s, 2, node, "ctime", false);
  read_int_field(s, 3, node, "cusec", false);
  read_time_field(s, 4, node, "stime", true);
  read_int_field(s, 5, node, "susec", true);
  DerReader f = s;
  if (s.field(6, f, "error-code", true)) {
    if (auto code = der_read_integer(f, "error-code")) node.set("error_code", krb_error_value(*code));
  }
  read_string_field(s, 7, node, "crealm", false);
  if (s.field(8, f, "cname", false)) read_principal(f, node, "cname");
  read_string_field(s, 9, node, "realm", true);
  if (s.field(10, f, "sname", true)) read_principal(f, node, "sname");
  read_string_field(s, 11, node, "e_text", false);
  if (s.field(12, f, "e-data", false)) {
    if (auto data = der_read_octets(f, "e-data")) {
      Value e = Value::object();
      decode_e_data(*data, e, ctx);
      node.set("e_data", std::move(e));
    }
  }
}

void decode_kdc_req(DerReader& s, Value& node, std::int64_t msg_type, const Ctx& ctx) {
  // KDC-REQ ::= SEQUENCE { pvno [1], msg-type [2], padata [3] SEQUENCE OF PA-DATA OPTIONAL,
  //                        req-body [4] KDC-REQ-BODY }
  read_pvno_msg_type(s, node, 1, msg_type);
  DerReader f = s;
  if (s.field(3, f, "padata", false)) node.set("padata", read_padata_list(f, ctx));
  if (!s.field(4, f, "req-body", true)) return;
  // KDC-REQ-BODY ::= SEQUENCE { kdc-options [0], cname [1] OPTIONAL, realm [2], sname [3]
  //   OPTIONAL, from [4] OPTIONAL, till [5], rtime [6] OPTIONAL, nonce [7] UInt32,
  //   etype [8] SEQUENCE OF Int32, addresses [9] OPTIONAL, enc-authorization-data [10]
  //   OPTIONAL, additional-tickets [11] SEQUENCE OF Ticket OPTIONAL }
  Value body = Value::object();
  Tlv seq;
  if (f.expect(TagClass::universal, der_tag::sequence, seq, "KDC-REQ-BODY")) {
    DerReader b = f.sub(seq);
    DerReader g = b;
    if (b.field(0, g, "kdc-options", true)) {
      if (auto bits = der_read_flags32(g, "kdc-options")) {
        body.set("kdc_options", bit_string_names(*bits, kdc_option_names()));
      }
    }
    if (b.field(1, g, "cname", false)) read_principal(g, body, "cname");
    read_string_field(b, 2, body, "realm", true);
    if (b.field(3, g, "sname", false)) read_principal(g, body, "sname");
    read_time_field(b, 4, body, "from", false);
    read_time_field(b, 5, body, "till", true);
    read_time_field(b, 6, body, "rtime", false);
    read_int_field(b, 7, body, "nonce", true);
    if (b.field(8, g, "etype", true)) body.set("etypes", read_etype_list(g));
    if (b.field(9, g, "addresses", false)) body.set("addresses", read_host_addresses(g));
    if (b.field(10, g, "enc-authorization-data", false)) {
      body.set("enc_authorization_data", read_encrypted_data(g, "enc-authorization-data"));
    }
    if (b.field(11, g, "additional-tickets", false)) {
      Value tickets = Value::array();
      Tlv list;
      if (g.expect(TagClass::universal, der_tag::sequence, list, "additional-tickets")) {
        DerReader items = g.sub(list);
        for (int i = 0; i < 16 && !items.at_end(); ++i) tickets.push(read_ticket(items, ctx));
      }
      body.set("additional_tickets", std::move(tickets));
    }
    b.expect_end("KDC-REQ-BODY");
  }
  node.set("req_body", std::move(body));
}

void decode_kdc_rep(DerReader& s, Value& node, std::int64_t msg_type, const Ctx& ctx) {
  // KDC-REP ::= SEQUENCE { pvno [0], msg-type [1], padata [2] OPTIONAL, crealm [3] Realm,
  //   cname [4] PrincipalName, ticket [5] Ticket, enc-part [6] EncryptedData }
  read_pvno_msg_type(s, node, 0, msg_type);
  DerReader f = s;
  if (s.field(2, f, "padata", false)) node.set("padata", read_padata_list(f, ctx));
  read_string_field(s, 3, node, "crealm", true);
  if (s.field(4, f, "cname", true)) read_principal(f, node, "cname");
  if (s.field(5, f, "ticket", true)) node.set("ticket", read_ticket(f, ctx));
  if (s.field(6, f, "enc-part", true)) {
    // AS-REP: in the client's long-term key (§5.4.2, usage 3); TGS-REP: in the TGT session
    // key (usage 8) or the TGS-REQ authenticator's subkey (usage 9).
    EncryptedData enc = read_encrypted_data_parts(f, "enc-part");
    const bool as_rep = msg_type == 11;
    const std::string client = as_rep ? node["cname"].as_string() + "@" + node["crealm"].as_string() : std::string();
    open_encrypted(enc, as_rep ? KeyUsage::as_rep : KeyUsage::tgs_rep_session, client, ctx, decode_enc_kdc_rep_part);
    node.set("enc_part", std::move(enc.node));
  }
}

std::string_view type_for_tag(std::uint32_t tag) {
  switch (tag) {
    case 10: return "krb5.as_req";
    case 11: return "krb5.as_rep";
    case 12: return "krb5.tgs_req";
    case 13: return "krb5.tgs_rep";
    case 14: return "krb5.ap_req";
    case 15: return "krb5.ap_rep";
    case 20: return "krb5.krb_safe";
    case 21: return "krb5.krb_priv";
    case 22: return "krb5.krb_cred";
    case 30: return "krb5.krb_error";
    default: return {};
  }
}

}  // namespace

bool looks_like_krb5_message(Bytes data) {
  // Identifier octet of a constructed [APPLICATION n] with n one of the message tags.
  if (data.size() < 2 || (data[0] & 0xe0) != 0x60) return false;
  return !type_for_tag(data[0] & 0x1fu).empty();
}

Value decode_krb5_message(Bytes data, std::size_t base, const Ctx& ctx, std::string_view gss_token_id) {
  Diagnostics diag;
  DerReader top(data, base, diag);
  const auto peeked = top.peek();
  const std::uint32_t tag = (peeked && peeked->cls == TagClass::application) ? peeked->tag : 0;
  const std::string_view type = type_for_tag(tag);
  Value node = make_node(type.empty() ? std::string_view("unknown") : type, data.size());
  if (!gss_token_id.empty()) node.set("gss_token_id", gss_token_id);
  if (ctx.depth > kMaxTokenDepth) {
    diag.add(base, "tokens nested too deeply; not decoded");
    diag.attach(node);
    return node;
  }
  Tlv app;
  if (!top.read(app, "Kerberos message")) {
    node.set("type", "unknown");
    node.set("reason", "not a Kerberos message");
    diag.attach(node);
    return node;
  }
  if (type.empty() || app.cls != TagClass::application) {
    node.set("type", "unknown");
    node.set("reason", "not a Kerberos message (tag " + std::to_string(app.tag) + ")");
    diag.attach(node);
    return node;
  }
  top.expect_end("Kerberos message");
  DerReader a = top.sub(app);
  Tlv seq;
  if (a.expect(TagClass::universal, der_tag::sequence, seq, "Kerberos message")) {
    a.expect_end("Kerberos message");
    DerReader s = a.sub(seq);
    switch (tag) {
      case 10:
      case 12: decode_kdc_req(s, node, tag, ctx); break;
      case 11:
      case 13: decode_kdc_rep(s, node, tag, ctx); break;
      case 14: decode_ap_req(s, node, ctx); break;
      case 15: decode_ap_rep(s, node, ctx); break;
      case 22:
        read_pvno_msg_type(s, node, 0, 22);
        decode_krb_cred_body(s, node, ctx);
        break;
      case 30: decode_krb_error(s, node, ctx); break;
      default: read_pvno_msg_type(s, node, 0, tag); break;  // KRB-SAFE/PRIV: header only
    }
    if (tag != 20 && tag != 21) {
      s.expect_end("Kerberos message");
    }
  }
  diag.attach(node);
  return node;
}

}  // namespace authctx::decode
