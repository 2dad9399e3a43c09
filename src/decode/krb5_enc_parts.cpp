// The plaintext of Kerberos encrypted parts (RFC 4120 §5.3, §5.4.2, §5.5.1, §5.5.2), and
// open_encrypted(), the one place a part is handed to the Decryptor. See krb5_enc_parts.hpp.
#include "decode/krb5_enc_parts.hpp"

#include "decode/krb5_types.hpp"
#include "decode/tables.hpp"

namespace authctx::decode {

namespace {
constexpr std::size_t kMaxListItems = 64;

}  // namespace

// §5.2.9 EncryptionKey ::= SEQUENCE { keytype [0] Int32, keyvalue [1] OCTET STRING }.
// The key goes to the decryptor (later parts are opened with it) and into the tree only
// with show_secrets.
Value read_encryption_key(DerReader& r, const Ctx& ctx, const std::string& what) {
  Value v = Value::object();
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, "EncryptionKey")) return v;
  DerReader s = r.sub(seq);
  DerReader f = s;
  std::optional<std::int64_t> type;
  if (s.field(0, f, "keytype", true)) {
    type = der_read_integer(f, "keytype");
    if (type) v.set("enctype", enctype_value(*type));
  }
  if (s.field(1, f, "keyvalue", true)) {
    if (const auto key = der_read_octets(f, "keyvalue")) {
      v.set("length", key->contents.size());
      if (ctx.options->show_secrets) {
        v.set("hex", hex_string(key->contents));
      } else {
        v.set("redacted", true);
      }
      if (type && ctx.decryptor() != nullptr) {
        ctx.decryptor()->learn_key(static_cast<std::int32_t>(*type), key->contents, what);
      }
    }
  }
  s.expect_end("EncryptionKey");
  return v;
}

namespace {

void read_flags_field(DerReader& s, std::uint32_t n, Value& out, std::string_view key) {
  DerReader f = s;
  if (!s.field(n, f, key, true)) return;
  if (const auto bits = der_read_flags32(f, key)) out.set(key, bit_string_names(*bits, ticket_flag_names()));
}

// §5.3 TransitedEncoding ::= SEQUENCE { tr-type [0] Int32, contents [1] OCTET STRING }
Value read_transited(DerReader& r) {
  Value v = Value::object();
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, "TransitedEncoding")) return v;
  DerReader s = r.sub(seq);
  read_int_field(s, 0, v, "tr_type", true);
  DerReader f = s;
  if (s.field(1, f, "contents", true)) {
    if (const auto c = der_read_octets(f, "contents")) v.set("contents", std::string(c->contents.begin(), c->contents.end()));
  }
  s.expect_end("TransitedEncoding");
  return v;
}

// §5.4.2 LastReq ::= SEQUENCE OF SEQUENCE { lr-type [0] Int32, lr-value [1] KerberosTime }
Value read_last_req(DerReader& r) {
  Value list = Value::array();
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, "LastReq")) return list;
  DerReader items = r.sub(seq);
  for (std::size_t i = 0; i < kMaxListItems && !items.at_end(); ++i) {
    Tlv entry;
    if (!items.expect(TagClass::universal, der_tag::sequence, entry, "LastReq")) break;
    DerReader e = items.sub(entry);
    Value v = Value::object();
    read_int_field(e, 0, v, "lr_type", true);
    read_time_field(e, 1, v, "lr_value", true);
    e.expect_end("LastReq");
    list.push(std::move(v));
  }
  return list;
}

}  // namespace

// The [APPLICATION n] SEQUENCE around every encrypted-part plaintext (krb5_enc_parts.hpp).
bool open_application_sequence(DerReader& top, std::initializer_list<std::uint32_t> tags, std::string_view what,
                               DerReader& body) {
  Tlv app;
  if (!top.read(app, what)) return false;
  bool tag_ok = app.cls == TagClass::application;
  if (tag_ok) {
    tag_ok = false;
    for (const auto t : tags) tag_ok = tag_ok || app.tag == t;
  }
  if (!tag_ok) {
    top.fail(app.offset, std::string(what) + ": unexpected tag " + std::to_string(app.tag) +
                             " (wrong key, or not this kind of part)");
    return false;
  }
  top.expect_end(what);
  DerReader a = top.sub(app);
  Tlv seq;
  if (!a.expect(TagClass::universal, der_tag::sequence, seq, what)) return false;
  a.expect_end(what);
  body = a.sub(seq);
  return true;
}

void open_encrypted(EncryptedData& enc, KeyUsage usage, const std::string& server, const Ctx& ctx,
                    PlainDecoder decode_plain) {
  if (!enc.ok || ctx.depth > kMaxTokenDepth) return;
  Value status = Value::object();
  if (usage == KeyUsage::krb_cred && enc.etype == 0) {
    // RFC 6448: a KRB-CRED enc-part with etype 0 is not encrypted (Heimdal, Windows and
    // MIT ≥ 1.12 send one when they have no key to use).
    status.set("ok", true);
    status.set("key", "none: the part is not encrypted (etype 0)");
    enc.node.set("decryption", std::move(status));
    enc.node.set("decrypted", decode_plain(enc.cipher, ctx.deeper()));
    return;
  }
  Decryptor* decryptor = ctx.decryptor();
  if (decryptor == nullptr) return;
  SealedPart part;
  part.usage = usage;
  part.etype = enc.etype;
  part.kvno = enc.kvno;
  part.cipher = enc.cipher;
  part.server = server;
  const Decrypted result = decryptor->decrypt(part);
  status.set("ok", result.ok);
  if (result.ok) {
    status.set("key", result.key);
    enc.node.set("decryption", std::move(status));
    enc.node.set("decrypted", decode_plain(result.plain, ctx.deeper()));
  } else {
    status.set("class", result.failure_class);
    status.set("message", result.message);
    enc.node.set("decryption", std::move(status));
  }
}

Value decode_enc_ticket_part(Bytes plain, const Ctx& ctx) {
  // §5.3 EncTicketPart ::= [APPLICATION 3] SEQUENCE { flags [0] TicketFlags, key [1]
  //   EncryptionKey, crealm [2] Realm, cname [3] PrincipalName, transited [4]
  //   TransitedEncoding, authtime [5], starttime [6] OPTIONAL, endtime [7], renew-till [8]
  //   OPTIONAL, caddr [9] HostAddresses OPTIONAL, authorization-data [10] OPTIONAL }
  return plaintext_node(plain, "krb5.enc_ticket_part", {3}, "EncTicketPart", [&](DerReader& s, Value& node) {
    read_flags_field(s, 0, node, "flags");
    DerReader f = s;
    if (s.field(1, f, "key", true)) node.set("key", read_encryption_key(f, ctx, "the ticket's session key"));
    read_string_field(s, 2, node, "crealm", true);
    if (s.field(3, f, "cname", true)) read_principal(f, node, "cname");
    if (s.field(4, f, "transited", true)) node.set("transited", read_transited(f));
    read_time_field(s, 5, node, "authtime", true);
    read_time_field(s, 6, node, "starttime", false);
    read_time_field(s, 7, node, "endtime", true);
    read_time_field(s, 8, node, "renew_till", false);
    if (s.field(9, f, "caddr", false)) node.set("caddr", read_host_addresses(f));
    if (s.field(10, f, "authorization-data", false)) node.set("authorization_data", read_authorization_data(f, ctx));
  });
}

Value decode_authenticator(Bytes plain, const Ctx& ctx) {
  // §5.5.1 Authenticator ::= [APPLICATION 2] SEQUENCE { authenticator-vno [0], crealm [1],
  //   cname [2], cksum [3] Checksum OPTIONAL, cusec [4], ctime [5], subkey [6] EncryptionKey
  //   OPTIONAL, seq-number [7] UInt32 OPTIONAL, authorization-data [8] OPTIONAL }
  return plaintext_node(plain, "krb5.authenticator", {2}, "Authenticator", [&](DerReader& s, Value& node) {
    read_int_field(s, 0, node, "authenticator_vno", true);
    read_string_field(s, 1, node, "crealm", true);
    DerReader f = s;
    if (s.field(2, f, "cname", true)) read_principal(f, node, "cname");
    if (s.field(3, f, "cksum", false)) {
      // §5.2.9 Checksum ::= SEQUENCE { cksumtype [0] Int32, checksum [1] OCTET STRING }
      Value ck = Value::object();
      Tlv seq;
      if (f.expect(TagClass::universal, der_tag::sequence, seq, "Checksum")) {
        DerReader c = f.sub(seq);
        DerReader g = c;
        std::int64_t type = 0;
        if (c.field(0, g, "cksumtype", true)) {
          if (const auto t = der_read_integer(g, "cksumtype")) {
            type = *t;
            ck.set("cksumtype", checksum_type_value(type));
          }
        }
        if (c.field(1, g, "checksum", true)) {
          if (const auto data = der_read_octets(g, "checksum")) {
            ck.set("length", data->contents.size());
            if (type == 0x8003) {
              ck.set("gss", decode_gss_checksum(data->contents, data->contents_offset, ctx));
            } else {
              ck.set("hex", hex_string(data->contents));  // a keyed checksum of the request
            }
          }
        }
        c.expect_end("Checksum");
      }
      node.set("cksum", std::move(ck));
    }
    read_int_field(s, 4, node, "cusec", true);
    read_time_field(s, 5, node, "ctime", true);
    if (s.field(6, f, "subkey", false)) node.set("subkey", read_encryption_key(f, ctx, "the authenticator's subkey"));
    read_int_field(s, 7, node, "seq_number", false);
    if (s.field(8, f, "authorization-data", false)) node.set("authorization_data", read_authorization_data(f, ctx));
  });
}

Value decode_enc_ap_rep_part(Bytes plain, const Ctx& ctx) {
  // §5.5.2 EncAPRepPart ::= [APPLICATION 27] SEQUENCE { ctime [0], cusec [1], subkey [2]
  //   EncryptionKey OPTIONAL, seq-number [3] UInt32 OPTIONAL }
  return plaintext_node(plain, "krb5.enc_ap_rep_part", {27}, "EncAPRepPart", [&](DerReader& s, Value& node) {
    read_time_field(s, 0, node, "ctime", true);
    read_int_field(s, 1, node, "cusec", true);
    DerReader f = s;
    if (s.field(2, f, "subkey", false)) node.set("subkey", read_encryption_key(f, ctx, "the AP-REP's subkey"));
    read_int_field(s, 3, node, "seq_number", false);
  });
}

Value decode_enc_kdc_rep_part(Bytes plain, const Ctx& ctx) {
  // §5.4.2 EncKDCRepPart ::= SEQUENCE { key [0], last-req [1], nonce [2], key-expiration [3]
  //   OPTIONAL, flags [4], authtime [5], starttime [6] OPTIONAL, endtime [7], renew-till [8]
  //   OPTIONAL, srealm [9], sname [10], caddr [11] OPTIONAL, encrypted-pa-data [12] OPTIONAL }
  // tagged [APPLICATION 25] (AS) or [APPLICATION 26] (TGS); MIT accepts either for both.
  return plaintext_node(plain, "krb5.enc_kdc_rep_part", {25, 26}, "EncKDCRepPart", [&](DerReader& s, Value& node) {
    DerReader f = s;
    if (s.field(0, f, "key", true)) node.set("key", read_encryption_key(f, ctx, "the reply's session key"));
    if (s.field(1, f, "last-req", true)) node.set("last_req", read_last_req(f));
    read_int_field(s, 2, node, "nonce", true);
    read_time_field(s, 3, node, "key_expiration", false);
    read_flags_field(s, 4, node, "flags");
    read_time_field(s, 5, node, "authtime", true);
    read_time_field(s, 6, node, "starttime", false);
    read_time_field(s, 7, node, "endtime", true);
    read_time_field(s, 8, node, "renew_till", false);
    read_string_field(s, 9, node, "srealm", true);
    if (s.field(10, f, "sname", true)) read_principal(f, node, "sname");
    if (s.field(11, f, "caddr", false)) node.set("caddr", read_host_addresses(f));
    if (s.field(12, f, "encrypted-pa-data", false)) node.set("encrypted_pa_data", read_padata_list(f, ctx));
  });
}

}  // namespace authctx::decode
