// Authorization data (RFC 4120 §5.2.6, with the containers of §5.2.6.1–5.2.6.4 opened and
// the PAC decoded), the RFC 4121 §4.1.1 authenticator checksum, and KRB-CRED (§5.8) with
// its EncKrbCredPart. See krb5_enc_parts.hpp.
#include "decode/krb5_enc_parts.hpp"
#include "decode/krb5_types.hpp"
#include "decode/ndr_reader.hpp"
#include "decode/pac.hpp"
#include "decode/tables.hpp"

namespace authctx::decode {

namespace {
constexpr std::size_t kMaxListItems = 64;
constexpr std::size_t kMaxExtensions = 16;

// RFC 4121 §4.1.1.1 checksum flags, and the later GSS flag bits, named as the contract
// names context flags.
struct FlagBit {
  std::uint32_t bit;
  std::string_view name;
};
constexpr FlagBit kGssFlags[] = {
    {0x1, "deleg"},         {0x2, "mutual"},           {0x4, "replay"},           {0x8, "sequence"},
    {0x10, "conf"},         {0x20, "integ"},           {0x40, "anon"},            {0x80, "prot_ready"},
    {0x100, "trans"},       {0x800, "channel_bound"},  {0x1000, "dce_style"},     {0x2000, "identify"},
    {0x4000, "extended_error"}, {0x8000, "deleg_policy"},
};

Value gss_flags_value(std::uint32_t flags) {
  Value v = Value::object();
  v.set("value", flags);
  Value names = Value::array();
  std::uint32_t known = 0;
  for (const auto& f : kGssFlags) {
    known |= f.bit;
    if (flags & f.bit) names.push(f.name);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (int bit = 0; bit < 32; ++bit) {
    const std::uint32_t m = 1u << bit;
    if ((flags & m) && !(known & m)) {
      std::string s = "0x";
      for (int shift = 28; shift >= 0; shift -= 4) s += kHex[(m >> shift) & 15];
      names.push(std::move(s));
    }
  }
  v.set("names", std::move(names));
  return v;
}

Value ad_contents(std::int64_t type, const Tlv& data, DerReader& parent, const Ctx& ctx);

// ad-data that is itself AuthorizationData, inside a container.
Value nested_authorization_data(const Tlv& data, DerReader& parent, const Ctx& ctx) {
  DerReader r = parent.sub(data);
  return read_authorization_data(r, ctx.deeper());
}

Value ad_contents(std::int64_t type, const Tlv& data, DerReader& parent, const Ctx& ctx) {
  Value out = Value::object();
  switch (type) {
    case 1:    // AD-IF-RELEVANT (§5.2.6.1): AuthorizationData
    case 8:    // AD-MANDATORY-FOR-KDC (§5.2.6.4): AuthorizationData
      out.set("elements", nested_authorization_data(data, parent, ctx));
      break;
    case 4: {  // AD-KDCIssued (§5.2.6.2): { ad-checksum [0], i-realm [1], i-sname [2], elements [3] }
      DerReader r = parent.sub(data);
      Tlv seq;
      if (!r.expect(TagClass::universal, der_tag::sequence, seq, "AD-KDCIssued")) break;
      DerReader s = r.sub(seq);
      DerReader f = s;
      s.field(0, f, "ad-checksum", true);
      read_string_field(s, 1, out, "i_realm", false);
      if (s.field(2, f, "i-sname", false)) read_principal(f, out, "i_sname");
      if (s.field(3, f, "elements", true)) out.set("elements", read_authorization_data(f, ctx.deeper()));
      break;
    }
    case 5: {  // AD-AND-OR (§5.2.6.3): { condition-count [0] Int32, elements [1] }
      DerReader r = parent.sub(data);
      Tlv seq;
      if (!r.expect(TagClass::universal, der_tag::sequence, seq, "AD-AND-OR")) break;
      DerReader s = r.sub(seq);
      read_int_field(s, 0, out, "condition_count", true);
      DerReader f = s;
      if (s.field(1, f, "elements", true)) out.set("elements", read_authorization_data(f, ctx.deeper()));
      break;
    }
    case 96: {  // AD-CAMMAC (RFC 7751): { elements [0], kdc-verifier [1], svc-verifier [2], ... }
      DerReader r = parent.sub(data);
      Tlv seq;
      if (!r.expect(TagClass::universal, der_tag::sequence, seq, "AD-CAMMAC")) break;
      DerReader s = r.sub(seq);
      DerReader f = s;
      if (s.field(0, f, "elements", true)) out.set("elements", read_authorization_data(f, ctx.deeper()));
      break;
    }
    case 97: {  // AD-AUTHENTICATION-INDICATOR (RFC 8129): SEQUENCE OF UTF8String
      DerReader r = parent.sub(data);
      Tlv seq;
      if (!r.expect(TagClass::universal, der_tag::sequence, seq, "AD-AUTHENTICATION-INDICATOR")) break;
      DerReader items = r.sub(seq);
      Value list = Value::array();
      for (std::size_t i = 0; i < kMaxListItems && !items.at_end(); ++i) {
        const auto s = der_read_string(items, "indicator");
        if (!s) break;
        list.push(*s);
      }
      out.set("indicators", std::move(list));
      break;
    }
    case 128:  // AD-WIN2K-PAC (MS-PAC §2.1): the PAC itself
      out.set("pac", decode_pac(data.contents, *ctx.options, data.contents_offset));
      break;
    case 129: {  // AD-GSS-API-ETYPE-NEGO (RFC 4537): SEQUENCE OF Int32
      DerReader r = parent.sub(data);
      out.set("etypes", read_etype_list(r));
      break;
    }
    case 143: {  // AD-AUTH-DATA-AP-OPTIONS (MS-KILE §2.2.10): a 32-bit little-endian word
      Diagnostics& diag = parent.diagnostics();
      NdrReader r(data.contents, data.contents_offset, diag);
      if (const auto v = r.u32("AD-AUTH-DATA-AP-OPTIONS")) {
        Value flags = Value::object();
        flags.set("value", *v);
        Value names = Value::array();
        if (*v & 0x4000) names.push("KERB_AP_OPTIONS_CBT");  // the client supports channel bindings
        flags.set("names", std::move(names));
        out.set("ap_options", std::move(flags));
      }
      break;
    }
    default: break;  // type and length only
  }
  return out;
}
// §5.8.1 KrbCredInfo (all but key OPTIONAL): a forwarded ticket's key, names and times.
Value read_krb_cred_info(DerReader& e, const Ctx& ctx) {
  Value info = Value::object();
  DerReader g = e;
  if (e.field(0, g, "key", true)) info.set("key", read_encryption_key(g, ctx, "a forwarded ticket's session key"));
  read_string_field(e, 1, info, "prealm", false);
  if (e.field(2, g, "pname", false)) read_principal(g, info, "pname");
  if (e.field(3, g, "flags", false)) {
    if (const auto bits = der_read_flags32(g, "flags")) info.set("flags", bit_string_names(*bits, ticket_flag_names()));
  }
  read_time_field(e, 4, info, "authtime", false);
  read_time_field(e, 5, info, "starttime", false);
  read_time_field(e, 6, info, "endtime", false);
  read_time_field(e, 7, info, "renew_till", false);
  read_string_field(e, 8, info, "srealm", false);
  if (e.field(9, g, "sname", false)) read_principal(g, info, "sname");
  if (e.field(10, g, "caddr", false)) info.set("caddr", read_host_addresses(g));
  e.expect_end("KrbCredInfo");
  return info;
}
}  // namespace

Value read_authorization_data(DerReader& r, const Ctx& ctx) {
  // §5.2.6 AuthorizationData ::= SEQUENCE OF SEQUENCE { ad-type [0] Int32, ad-data [1] OCTET STRING }
  Value list = Value::array();
  if (ctx.depth > kMaxTokenDepth) {
    r.fail_here("authorization data nested more than " + std::to_string(kMaxTokenDepth) + " levels deep");
    return list;
  }
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, "AuthorizationData")) return list;
  DerReader items = r.sub(seq);
  for (std::size_t i = 0; i < kMaxListItems && !items.at_end(); ++i) {
    Tlv entry;
    if (!items.expect(TagClass::universal, der_tag::sequence, entry, "AuthorizationData")) break;
    DerReader e = items.sub(entry);
    Value v = Value::object();
    std::int64_t type = 0;
    DerReader f = e;
    if (e.field(0, f, "ad-type", true)) {
      if (const auto t = der_read_integer(f, "ad-type")) {
        type = *t;
        v.set("ad_type", ad_type_value(type));
      }
    }
    if (e.field(1, f, "ad-data", true)) {
      if (const auto data = der_read_octets(f, "ad-data")) {
        v.set("length", data->contents.size());
        const Value contents = ad_contents(type, *data, f, ctx);
        for (const auto& m : contents.members()) v.set(m.key, m.value);
      }
    }
    e.expect_end("AuthorizationData");
    list.push(std::move(v));
  }
  return list;
}

Value decode_gss_checksum(Bytes data, std::size_t base, const Ctx& ctx) {
  // RFC 4121 §4.1.1: Lgth (4, LE, 16), Bnd (16: MD5 of the channel bindings, §4.1.1.2, or
  // zeros when there are none), Flags (4, LE), then with GSS_C_DELEG_FLAG DlgOpt (2, LE, 1),
  // Dlgth (2, LE) and Deleg (a KRB-CRED), then optional extensions (MIT: type and length
  // as 4-byte big-endian numbers, then the data).
  Value v = Value::object();
  Diagnostics diag;
  NdrReader r(data, base, diag);
  const std::size_t lgth_at = r.offset();
  const auto lgth = r.u32("Lgth");
  const auto bnd = r.bytes(16, "Bnd");
  const auto flags = r.u32("Flags");
  if (lgth && *lgth != 16) r.fail(lgth_at, "Lgth " + std::to_string(*lgth) + " (RFC 4121 §4.1.1 requires 16)");
  if (bnd) {
    bool any = false;
    for (const auto b : *bnd) any = any || b != 0;
    v.set("bindings_hash", hex_string(*bnd));
    v.set("bindings_present", any);
  }
  if (flags) v.set("flags", gss_flags_value(*flags));
  if (flags && (*flags & 0x1) && r.remaining() > 0) {
    Value deleg = Value::object();
    const auto opt = r.u16("DlgOpt");
    const auto len = r.u16("Dlgth");
    if (opt) deleg.set("dlg_opt", *opt);
    if (len) {
      deleg.set("length", *len);
      const std::size_t at = r.offset();
      if (const auto cred = r.bytes(*len, "Deleg")) deleg.set("krb_cred", decode_krb5_message(*cred, at, ctx.deeper()));
    }
    v.set("delegation", std::move(deleg));
  }
  if (r.ok() && r.remaining() > 0) {
    Value exts = Value::array();
    for (std::size_t i = 0; i < kMaxExtensions && r.remaining() >= 8; ++i) {
      const auto head = r.bytes(8, "extension header");
      const auto be32 = [&](std::size_t at) {
        std::uint32_t word = 0;
        for (std::size_t k = 0; k < 4; ++k) word = (word << 8) | (*head)[at + k];
        return word;
      };
      const std::uint32_t type = be32(0);
      const std::uint32_t len = be32(4);
      Value e = Value::object();
      e.set("type", type);
      if (type == 2) e.set("name", "iakerb_finished");  // MIT KRB5_GSS_EXTS_IAKERB_FINISHED
      e.set("length", len);
      exts.push(std::move(e));
      if (!r.skip(len, "extension data")) break;
    }
    if (r.ok() && r.remaining() > 0) r.fail_here(std::to_string(r.remaining()) + " unexpected trailing bytes");
    v.set("extensions", std::move(exts));
  }
  diag.attach(v);
  return v;
}

void decode_krb_cred_body(DerReader& s, Value& node, const Ctx& ctx) {
  // §5.8.1 KRB-CRED ::= [APPLICATION 22] SEQUENCE { pvno [0], msg-type [1],
  //   tickets [2] SEQUENCE OF Ticket, enc-part [3] EncryptedData }
  DerReader f = s;
  if (s.field(2, f, "tickets", true)) {
    Value tickets = Value::array();
    Tlv list;
    if (f.expect(TagClass::universal, der_tag::sequence, list, "tickets")) {
      DerReader items = f.sub(list);
      for (std::size_t i = 0; i < 16 && !items.at_end(); ++i) tickets.push(read_ticket(items, ctx));
    }
    node.set("tickets", std::move(tickets));
  }
  if (s.field(3, f, "enc-part", true)) {
    EncryptedData enc = read_encrypted_data_parts(f, "KRB-CRED enc-part");
    open_encrypted(enc, KeyUsage::krb_cred, {}, ctx, decode_enc_krb_cred_part);
    node.set("enc_part", std::move(enc.node));
  }
}

Value decode_enc_krb_cred_part(Bytes plain, const Ctx& ctx) {
  // §5.8.1 EncKrbCredPart ::= [APPLICATION 29] SEQUENCE { ticket-info [0] SEQUENCE OF
  //   KrbCredInfo, nonce [1] OPTIONAL, timestamp [2] OPTIONAL, usec [3] OPTIONAL,
  //   s-address [4] OPTIONAL, r-address [5] OPTIONAL }
  // KrbCredInfo ::= SEQUENCE { key [0], prealm [1], pname [2], flags [3], authtime [4],
  //   starttime [5], endtime [6], renew-till [7], srealm [8], sname [9], caddr [10] } (all
  //   but key OPTIONAL)
  return plaintext_node(plain, "krb5.enc_krb_cred_part", {29}, "EncKrbCredPart", [&](DerReader& s, Value& node) {
    DerReader f = s;
    if (s.field(0, f, "ticket-info", true)) {
      Value infos = Value::array();
      Tlv list;
      if (f.expect(TagClass::universal, der_tag::sequence, list, "ticket-info")) {
        DerReader items = f.sub(list);
        for (std::size_t i = 0; i < 16 && !items.at_end(); ++i) {
          Tlv entry;
          if (!items.expect(TagClass::universal, der_tag::sequence, entry, "KrbCredInfo")) break;
          DerReader e = items.sub(entry);
          infos.push(read_krb_cred_info(e, ctx));
        }
      }
      node.set("ticket_info", std::move(infos));
    }
    read_int_field(s, 1, node, "nonce", false);
    read_time_field(s, 2, node, "timestamp", false);
    read_int_field(s, 3, node, "usec", false);
    s.field(4, f, "s-address", false);  // sender and recipient addresses: not shown
    s.field(5, f, "r-address", false);
  });
}

}  // namespace authctx::decode
