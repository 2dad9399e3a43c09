// The acceptor's view of the AP-REQ it received. See acceptor_view.hpp.
#include "inspect/acceptor_view.hpp"

#include "decode/decode.hpp"
#include "inspect/key_decryptor.hpp"
#include "krb5/crypto.hpp"
#include "util/base64.hpp"

namespace authctx::inspect {

namespace {
using decode::Value;

// The first node of `type`, depth-first (bounded by the decoder's own depth limits).
const Value* find_type(const Value& v, const std::string& type) {
  if (v.is_object()) {
    if (v["type"].as_string() == type) return &v;
    for (const auto& m : v.members()) {
      if (const auto* f = find_type(m.value, type)) return f;
    }
  } else if (v.is_array()) {
    for (const auto& item : v.items()) {
      if (const auto* f = find_type(item, type)) return f;
    }
  }
  return nullptr;
}

void copy(const Value& from, const char* key, Value& to, const char* as = nullptr) {
  if (const auto* v = from.find(key)) to.set(as ? as : key, *v);
}

// A short PAC summary: who, which domain, which groups (full SIDs), the UPN.
Value pac_summary(const Value& pac) {
  Value out = Value::object();
  for (const auto& b : pac["buffers"].items()) {
    const auto& d = b["decoded"];
    const auto& type = d["type"].as_string();
    if (type == "mspac.logon_info") {
      out.set("user", d["logon_domain_name"].as_string() + "\\" + d["effective_name"].as_string());
      copy(d, "user_sid", out);
      Value groups = Value::array();
      for (const auto& g : d["groups"].items()) groups.push(g["sid"].is_string() ? g["sid"] : g["rid"]);
      for (const auto& g : d["extra_sids"].items()) groups.push(g["sid"]);
      for (const auto& g : d["resource_groups"].items()) groups.push(g["sid"].is_string() ? g["sid"] : g["rid"]);
      out.set("group_sids", std::move(groups));
    } else if (type == "mspac.upn_dns_info") {
      copy(d, "upn", out);
    } else if (type == "mspac.client_info") {
      copy(d, "name", out, "client_name");
    }
  }
  Value types = Value::array();
  for (const auto& b : pac["buffers"].items()) {
    const auto& t = b["buffer_type"];
    types.push(t.contains("name") ? t["name"] : t["id"]);
  }
  out.set("buffers", std::move(types));
  return out;
}

Value authenticator_facts(const Value& a, const krb5::Context& ctx,
                          const std::optional<std::vector<std::uint8_t>>& expected_bindings) {
  Value out = Value::object();
  copy(a, "ctime", out);
  copy(a, "cusec", out);
  if (const auto* sub = a.find("subkey")) out.set("subkey", *sub);
  copy(a, "seq_number", out);
  const auto& gss = a["cksum"]["gss"];
  if (gss.is_object()) {
    out.set("checksum_flags", gss["flags"]["names"]);
    out.set("delegated", gss.contains("delegation"));
    Value bindings = Value::object();
    const std::string sent = gss["bindings_hash"].as_string();
    bindings.set("sent", gss["bindings_present"].as_bool() ? Value(sent) : Value(nullptr));
    if (expected_bindings) {
      const std::string expected = bindings_hash_hex(ctx, *expected_bindings);
      bindings.set("expected", expected);
      bindings.set("match", !sent.empty() && sent == expected);
    } else {
      bindings.set("expected", nullptr);
    }
    out.set("bindings", std::move(bindings));
  } else if (a["cksum"].is_object()) {
    out.set("checksum_type", a["cksum"]["cksumtype"]);
  }
  return out;
}
}  // namespace

std::string bindings_hash_hex(const krb5::Context& ctx, std::span<const std::uint8_t> application_data) {
  // RFC 4121 §4.1.1.2: initiator address type and address, acceptor address type and
  // address, application data, each length-prefixed (4 bytes, little-endian); authctx's
  // bindings are GSS_C_AF_UNSPEC (0) with empty addresses.
  std::vector<std::uint8_t> in(16, 0);
  const auto n = static_cast<std::uint32_t>(application_data.size());
  for (int i = 0; i < 4; ++i) in.push_back(static_cast<std::uint8_t>((n >> (8 * i)) & 0xff));
  in.insert(in.end(), application_data.begin(), application_data.end());
  return util::hex_encode(krb5::md5(ctx, in));
}

decode::Value describe_ap_req(const krb5::Context& ctx, std::span<const std::uint8_t> token, KeySet& keys,
                              const std::optional<std::vector<std::uint8_t>>& expected_bindings, bool show_secrets) {
  KeyDecryptor decryptor(ctx, keys);
  decode::Options options;
  options.show_secrets = show_secrets;
  options.decryptor = &decryptor;
  const Value tree = decode::decode_token(token, options);
  const Value* req = find_type(tree, "krb5.ap_req");
  if (req == nullptr) return nullptr;
  const auto& ticket = (*req)["ticket"];
  const auto& enc = ticket["enc_part"];
  Value out = Value::object();
  out.set("server", ticket["sname"].as_string() + "@" + ticket["realm"].as_string());
  out.set("kvno", enc.contains("kvno") ? enc["kvno"] : Value(nullptr));
  out.set("enctype", enc["etype"]);
  out.set("decryption", enc["decryption"]);
  const auto& etp = enc["decrypted"];
  if (!etp.is_object()) return out;
  out.set("client", etp["cname"].as_string() + "@" + etp["crealm"].as_string());
  out.set("session_key", etp["key"]);
  copy(etp, "flags", out);
  copy(etp, "authtime", out);
  copy(etp, "starttime", out);
  copy(etp, "endtime", out);
  copy(etp, "renew_till", out);
  if (const auto* pac = find_type(etp, "mspac.pac")) out.set("pac", pac_summary(*pac));
  const auto& auth = (*req)["authenticator"];
  if (auth["decrypted"].is_object()) {
    out.set("authenticator", authenticator_facts(auth["decrypted"], ctx, expected_bindings));
  } else {
    out.set("authenticator", Value::object()).set("decryption", auth["decryption"]);
  }
  return out;
}

std::optional<MissingKey> explain_ticket_key(const krb5::Context& ctx, std::span<const std::uint8_t> token,
                                             KeySet& keys) {
  KeyDecryptor decryptor(ctx, keys);
  decode::Options options;
  options.decryptor = &decryptor;
  const Value tree = decode::decode_token(token, options);
  const Value* req = find_type(tree, "krb5.ap_req");
  if (req == nullptr) return std::nullopt;
  const auto& status = (*req)["ticket"]["enc_part"]["decryption"];
  if (!status.is_object() || status["ok"].as_bool()) return std::nullopt;
  return MissingKey{status["class"].as_string(), status["message"].as_string()};
}

}  // namespace authctx::inspect
