// What `decode` with keys opened, as a few lines under each token (see docs.hpp): each
// encrypted part in the order the decoder met it, with who and what was inside, or the
// sentence naming the key it needed.
#include "text/docs.hpp"

namespace authctx::text {
namespace {

bool has(const Json& j, const char* key) { return j.is_object() && j.contains(key) && !j[key].is_null(); }

std::string key_text(const Json& key) { return has(key, "enctype") ? short_enctype(key["enctype"]) : "?"; }

std::string principal(const Json& node, const char* name, const char* realm) {
  return field(node, name) + (has(node, realm) ? "@" + field(node, realm) : "");
}

// The PAC's logon info and UPN, in one line.
std::string pac_line(const Json& pac) {
  std::string who;
  std::string groups;
  std::string upn;
  for (const auto& b : pac.value("buffers", Json::array())) {
    const auto& d = b.value("decoded", Json());
    if (field(d, "type") == "mspac.logon_info") {
      who = field(d, "logon_domain_name") + "\\" + field(d, "effective_name") + " " + field(d, "user_sid");
      for (const auto& g : d.value("groups", Json::array()))
        groups += " " + field(g, "rid") + (has(g, "name") ? " (" + field(g, "name") + ")" : "");
      for (const auto& x : d.value("extra_sids", Json::array())) groups += " " + field(x, "sid");
    } else if (field(d, "type") == "mspac.upn_dns_info") {
      upn = field(d, "upn");
    } else if (field(d, "type") == "mspac.client_info" && who.empty()) {
      who = field(d, "name");
    }
  }
  std::string s = "PAC: " + (who.empty() ? std::string("-") : who);
  if (!groups.empty()) s += "; groups" + groups;
  if (!upn.empty()) s += "; UPN " + upn;
  return s;
}

const Json* find_pac(const Json& j, int depth = 0) {
  if (depth > 8) return nullptr;
  if (j.is_object()) {
    if (field(j, "type") == "mspac.pac") return &j;
    for (const auto& [k, v] : j.items())
      if (const auto* p = find_pac(v, depth + 1)) return p;
  } else if (j.is_array()) {
    for (const auto& v : j)
      if (const auto* p = find_pac(v, depth + 1)) return p;
  }
  return nullptr;
}

std::string opened_line(const Json& d) {
  auto type = field(d, "type");
  if (type == "krb5.enc_ticket_part")
    return "ticket: " + principal(d, "cname", "crealm") + ", session key " + key_text(d["key"]) + ", " +
           join(d.value("flags", Json::array()));
  if (type == "krb5.authenticator") {
    std::string s = "authenticator: " + principal(d, "cname", "crealm") + " at " + field(d, "ctime");
    if (has(d, "subkey")) s += ", subkey " + key_text(d["subkey"]);
    if (has(d, "seq_number")) s += ", seq " + field(d, "seq_number");
    const auto& gss = d.value("cksum", Json()).value("gss", Json());
    if (gss.is_object()) {
      s += "; bindings " + (gss.value("bindings_present", false) ? field(gss, "bindings_hash") : std::string("none"));
      s += "; flags " + join(gss.value("flags", Json()).value("names", Json::array()));
      if (has(gss, "delegation")) s += "; delegated credentials";
    }
    return s;
  }
  if (type == "krb5.enc_ap_rep_part") {
    std::string s = "AP-REP: at " + field(d, "ctime");
    if (has(d, "subkey")) s += ", subkey " + key_text(d["subkey"]);
    if (has(d, "seq_number")) s += ", seq " + field(d, "seq_number");
    return s;
  }
  if (type == "krb5.enc_krb_cred_part") {
    std::string s = "KRB-CRED:";
    for (const auto& i : d.value("ticket_info", Json::array()))
      s += " " + principal(i, "sname", "srealm") + " for " + principal(i, "pname", "prealm") + " (" +
           join(i.value("flags", Json::array())) + ")";
    return s;
  }
  if (type == "krb5.enc_kdc_rep_part")
    return "KDC reply: " + principal(d, "sname", "srealm") + ", session key " + key_text(d["key"]);
  return type;
}

void walk(std::ostream& o, const Json& j, const Style& st, int depth) {
  if (depth > 64) return;
  if (j.is_object()) {
    if (has(j, "decryption")) {
      const auto& status = j["decryption"];
      if (status.value("ok", false) && has(j, "decrypted")) {
        o << "   " << st.good("opened") << " " << opened_line(j["decrypted"]) << "\n";
        if (field(j["decrypted"], "type") == "krb5.enc_ticket_part")
          if (const auto* pac = find_pac(j["decrypted"])) o << "          " << pac_line(*pac) << "\n";
      } else if (!status.value("ok", false)) {
        o << "   " << st.warn("not opened:") << " " << field(status, "message") << "\n";
      }
    }
    for (const auto& [k, v] : j.items()) walk(o, v, st, depth + 1);
  } else if (j.is_array()) {
    for (const auto& v : j) walk(o, v, st, depth + 1);
  }
}
}  // namespace

void decrypted_lines(std::ostream& o, const Json& decoded, const Style& st) { walk(o, decoded, st, 0); }

}  // namespace authctx::text
