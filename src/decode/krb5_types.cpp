// RFC 4120 §5.2–5.3 building blocks. See krb5_types.hpp.
#include "decode/krb5_types.hpp"

#include "decode/tables.hpp"

namespace authctx::decode {

namespace {
constexpr std::size_t kMaxListItems = 256;  // bounds SEQUENCE OF loops on hostile input

std::string key_name(std::string_view key) { return std::string(key); }
}  // namespace

bool read_int_field(DerReader& seq, std::uint32_t n, Value& out, std::string_view key, bool required) {
  DerReader f = seq;
  if (!seq.field(n, f, key, required)) return false;
  const auto v = der_read_integer(f, key);
  if (v) out.set(key, *v);
  return v.has_value();
}

bool read_string_field(DerReader& seq, std::uint32_t n, Value& out, std::string_view key, bool required) {
  DerReader f = seq;
  if (!seq.field(n, f, key, required)) return false;
  const auto v = der_read_string(f, key);
  if (v) out.set(key, *v);
  return v.has_value();
}

bool read_time_field(DerReader& seq, std::uint32_t n, Value& out, std::string_view key, bool required) {
  DerReader f = seq;
  if (!seq.field(n, f, key, required)) return false;
  const auto v = der_read_time(f, key);
  if (v) out.set(key, *v);
  return v.has_value();
}

void read_principal(DerReader& r, Value& out, std::string_view key) {
  // §5.2.2 PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, key)) return;
  DerReader s = r.sub(seq);
  DerReader f = s;
  std::int64_t name_type = 0;
  bool have_type = false;
  if (s.field(0, f, "name-type", true)) {
    if (auto t = der_read_integer(f, "name-type")) {
      name_type = *t;
      have_type = true;
    }
  }
  std::string name;
  if (s.field(1, f, "name-string", true)) {
    Tlv list;
    if (f.expect(TagClass::universal, der_tag::sequence, list, "name-string")) {
      DerReader items = f.sub(list);
      std::size_t count = 0;
      while (!items.at_end() && count++ < kMaxListItems) {
        const auto part = der_read_string(items, "name-string component");
        if (!part) break;
        if (!name.empty() || count > 1) name += '/';
        name += *part;
      }
    }
  }
  s.expect_end(key);
  out.set(key, name);
  if (have_type) out.set(key_name(key) + "_type", name_type_value(name_type));
}

EncryptedData read_encrypted_data_parts(DerReader& r, std::string_view what) {
  // §5.2.9 EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }
  EncryptedData out;
  Value& v = out.node;
  v = Value::object();
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, what)) return out;
  DerReader s = r.sub(seq);
  DerReader f = s;
  bool have_etype = false;
  if (s.field(0, f, "etype", true)) {
    if (auto e = der_read_integer(f, "etype")) {
      v.set("etype", enctype_value(*e));
      out.etype = static_cast<std::int32_t>(*e);
      have_etype = true;
    }
  }
  if (read_int_field(s, 1, v, "kvno", false)) out.kvno = v["kvno"].as_int();
  if (s.field(2, f, "cipher", true)) {
    if (auto c = der_read_octets(f, "cipher")) {
      v.set("cipher_length", c->contents.size());
      out.cipher = c->contents;
      out.ok = have_etype;
    }
  }
  s.expect_end(what);
  return out;
}

Value read_encrypted_data(DerReader& r, std::string_view what) { return read_encrypted_data_parts(r, what).node; }

Value read_ticket(DerReader& r, const Ctx& ctx) {
  // §5.3 Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0] INTEGER (5), realm [1] Realm,
  //                                            sname [2] PrincipalName, enc-part [3] EncryptedData }
  Value t = Value::object();
  Tlv app;
  if (!r.expect(TagClass::application, 1, app, "Ticket")) return t;
  DerReader a = r.sub(app);
  Tlv seq;
  if (!a.expect(TagClass::universal, der_tag::sequence, seq, "Ticket")) return t;
  DerReader s = a.sub(seq);
  read_int_field(s, 0, t, "tkt_vno", true);
  read_string_field(s, 1, t, "realm", true);
  DerReader f = s;
  if (s.field(2, f, "sname", true)) read_principal(f, t, "sname");
  if (s.field(3, f, "enc-part", true)) {
    EncryptedData enc = read_encrypted_data_parts(f, "Ticket enc-part");
    const std::string server = t["sname"].as_string() + "@" + t["realm"].as_string();
    open_encrypted(enc, KeyUsage::ticket, server, ctx, decode_enc_ticket_part);
    t.set("enc_part", std::move(enc.node));
  }
  s.expect_end("Ticket");
  return t;
}

namespace {
Value read_etype_info2(DerReader& r, bool v2) {
  // §5.2.7.5 ETYPE-INFO2-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] KerberosString OPTIONAL,
  //                                           s2kparams [2] OCTET STRING OPTIONAL }
  // §5.2.7.4 ETYPE-INFO-ENTRY  ::= SEQUENCE { etype [0] Int32, salt [1] OCTET STRING OPTIONAL }
  Value list = Value::array();
  const char* what = v2 ? "ETYPE-INFO2" : "ETYPE-INFO";
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, what)) return list;
  DerReader items = r.sub(seq);
  std::size_t count = 0;
  while (!items.at_end() && count++ < kMaxListItems) {
    Tlv entry;
    if (!items.expect(TagClass::universal, der_tag::sequence, entry, what)) break;
    DerReader e = items.sub(entry);
    Value v = Value::object();
    DerReader f = e;
    if (e.field(0, f, "etype", true)) {
      if (auto id = der_read_integer(f, "etype")) v.set("etype", enctype_value(*id));
    }
    if (e.field(1, f, "salt", false)) {
      if (v2) {
        if (auto salt = der_read_string(f, "salt")) v.set("salt", *salt);
      } else if (auto salt = der_read_octets(f, "salt")) {
        v.set("salt", std::string(salt->contents.begin(), salt->contents.end()));
      }
    }
    if (v2 && e.field(2, f, "s2kparams", false)) {
      if (auto p = der_read_octets(f, "s2kparams")) v.set("s2kparams", hex_string(p->contents));
    }
    e.expect_end(what);
    list.push(std::move(v));
  }
  return list;
}

void decode_padata_value(std::int64_t type, const Tlv& value, Value& out, DerReader& parent, const Ctx& ctx) {
  // An empty value is normal in METHOD-DATA hints (e.g. PA-ENC-TIMESTAMP in a
  // KDC_ERR_PREAUTH_REQUIRED, RFC 4120 §5.2.7.2): nothing to look into.
  if (value.contents.empty()) return;
  DerReader r = parent.sub(value);
  switch (type) {
    case 1:  // PA-TGS-REQ: an AP-REQ (§5.4.1, §7.5.2)
    {
      Ctx inner = ctx.deeper();
      inner.in_tgs_req = true;
      out.set("ap_req", decode_krb5_message(value.contents, value.contents_offset, inner));
    }
      break;
    case 2:  // PA-ENC-TIMESTAMP: EncryptedData (§5.2.7.2)
    case 138:  // PA-ENCRYPTED-CHALLENGE: EncryptedData (RFC 6113 §5.4.6)
      out.set("encrypted_data", read_encrypted_data(r, "padata-value"));
      break;
    case 3:  // PA-PW-SALT: the salt itself (§5.2.7.3)
      out.set("salt", std::string(value.contents.begin(), value.contents.end()));
      break;
    case 11: out.set("etype_info", read_etype_info2(r, false)); break;
    case 19: out.set("etype_info2", read_etype_info2(r, true)); break;
    case 128: {  // PA-PAC-REQUEST: KERB-PA-PAC-REQUEST ::= SEQUENCE { include-pac [0] BOOLEAN } (MS-KILE §2.2.3)
      Tlv seq;
      if (!r.expect(TagClass::universal, der_tag::sequence, seq, "KERB-PA-PAC-REQUEST")) break;
      DerReader s = r.sub(seq);
      DerReader f = s;
      if (s.field(0, f, "include-pac", true)) {
        Tlv b;
        if (f.expect(TagClass::universal, der_tag::boolean, b, "include-pac") && b.contents.size() == 1) {
          out.set("include_pac", b.contents[0] != 0);
        }
      }
      break;
    }
    default: break;  // type and length only
  }
}
}  // namespace

Value read_padata_list(DerReader& r, const Ctx& ctx) {
  // §5.2.7 PA-DATA ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET STRING }
  Value list = Value::array();
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, "padata")) return list;
  DerReader items = r.sub(seq);
  std::size_t count = 0;
  while (!items.at_end() && count++ < kMaxListItems) {
    Tlv entry;
    if (!items.expect(TagClass::universal, der_tag::sequence, entry, "PA-DATA")) break;
    DerReader e = items.sub(entry);
    Value v = Value::object();
    DerReader f = e;
    std::int64_t type = -1;
    if (e.field(1, f, "padata-type", true)) {
      if (auto t = der_read_integer(f, "padata-type")) {
        type = *t;
        v.set("padata_type", padata_type_value(type));
      }
    }
    if (e.field(2, f, "padata-value", true)) {
      if (auto value = der_read_octets(f, "padata-value")) {
        v.set("length", value->contents.size());
        decode_padata_value(type, *value, v, f, ctx);
      }
    }
    e.expect_end("PA-DATA");
    list.push(std::move(v));
  }
  return list;
}

Value read_etype_list(DerReader& r) {
  Value list = Value::array();
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, "etype")) return list;
  DerReader items = r.sub(seq);
  std::size_t count = 0;
  while (!items.at_end() && count++ < kMaxListItems) {
    const auto e = der_read_integer(items, "etype");
    if (!e) break;
    list.push(enctype_value(*e));
  }
  return list;
}

Value read_host_addresses(DerReader& r) {
  // §5.2.5 HostAddress ::= SEQUENCE { addr-type [0] Int32, address [1] OCTET STRING }
  Value list = Value::array();
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, "HostAddresses")) return list;
  DerReader items = r.sub(seq);
  std::size_t count = 0;
  while (!items.at_end() && count++ < kMaxListItems) {
    Tlv entry;
    if (!items.expect(TagClass::universal, der_tag::sequence, entry, "HostAddress")) break;
    DerReader e = items.sub(entry);
    DerReader f = e;
    Value v = Value::object();
    std::int64_t type = 0;
    if (e.field(0, f, "addr-type", true)) {
      if (auto t = der_read_integer(f, "addr-type")) {
        type = *t;
        v.set("addr_type", type);
      }
    }
    if (e.field(1, f, "address", true)) {
      if (auto a = der_read_octets(f, "address")) {
        const auto& c = a->contents;
        if (type == 2 && c.size() == 4) {  // §7.5.3 IPv4
          v.set("address", std::to_string(c[0]) + "." + std::to_string(c[1]) + "." + std::to_string(c[2]) + "." +
                               std::to_string(c[3]));
        } else if (type == 20) {  // NetBIOS name
          v.set("address", std::string(c.begin(), c.end()));
        } else {
          v.set("address_hex", hex_string(c));
        }
      }
    }
    list.push(std::move(v));
  }
  return list;
}

}  // namespace authctx::decode
