// One-line summaries of decoded token trees (see summarize_token in text_view.hpp). Each
// token type names its protocol message the way the RFCs do (RFC 4178 NegTokenInit, RFC 4120
// AP-REQ, MS-NLMP CHALLENGE) and picks the few fields a person checks first: who, to whom,
// which enctype and key version, which options. Inner tokens follow after an arrow.
#include <string>

#include "text/style.hpp"
#include "text/view.hpp"

namespace authctx::text {
namespace {
using text::field;
using text::name_of;
using text::short_enctype;

bool has(const Json& j, const char* key) { return j.is_object() && j.contains(key) && !j[key].is_null(); }

// "sname@realm" when both are known, else whichever is.
std::string principal(const Json& j, const char* name_key, const char* realm_key) {
  if (!has(j, name_key)) return has(j, realm_key) ? "@" + field(j, realm_key) : "";
  return field(j, name_key) + (has(j, realm_key) ? "@" + field(j, realm_key) : "");
}

std::string ticket_text(const Json& ticket) {
  std::string s = principal(ticket, "sname", "realm");
  if (has(ticket, "enc_part")) {
    const auto& enc = ticket["enc_part"];
    if (has(enc, "etype")) s += " " + short_enctype(enc["etype"]);
    if (has(enc, "kvno")) s += " kvno " + field(enc, "kvno");
  }
  return s;
}

std::string padata_names(const Json& padata) {
  if (!padata.is_array() || padata.empty()) return "";
  std::string s;
  for (const auto& p : padata) s += (s.empty() ? "" : ", ") + name_of(p.value("padata_type", Json()));
  return " padata [" + s + "]";
}

// NTLM negotiate flags reduced to the ones that decide security, lower-cased and without
// the NTLMSSP_NEGOTIATE_ prefix (sign, seal, 128, key_exch, extended_sessionsecurity...).
std::string ntlm_flags(const Json& node) {
  if (!has(node, "negotiate_flags") || !node["negotiate_flags"].contains("names")) return "";
  std::string s;
  for (const auto& f : node["negotiate_flags"]["names"]) {
    std::string n = text::str(f);
    for (const char* prefix : {"NTLMSSP_NEGOTIATE_", "NTLM_NEGOTIATE_", "NTLMSSP_"})
      if (n.rfind(prefix, 0) == 0) n = n.substr(std::string(prefix).size());
    if (n == "SIGN" || n == "SEAL" || n == "128" || n == "56" || n == "KEY_EXCH" || n == "EXTENDED_SESSIONSECURITY" ||
        n == "LM_KEY" || n == "ANONYMOUS" || n == "DATAGRAM") {
      if (n == "EXTENDED_SESSIONSECURITY") n = "ess";
      for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      s += (s.empty() ? "" : ",") + n;
    }
  }
  return s.empty() ? "" : " flags " + s;
}

std::size_t count_diagnostics(const Json& j) {
  std::size_t n = 0;
  if (j.is_object()) {
    if (j.contains("diagnostics") && j["diagnostics"].is_array()) n += j["diagnostics"].size();
    for (const auto& [k, v] : j.items())
      if (k != "diagnostics") n += count_diagnostics(v);
  } else if (j.is_array()) {
    for (const auto& v : j) n += count_diagnostics(v);
  }
  return n;
}

std::string summary(const Json& d);

std::string then(const Json& d, const char* key) { return has(d, key) ? " → " + summary(d[key]) : ""; }

std::string spnego(const std::string& type, const Json& d) {
  if (type == "spnego.neg_token_init" || type == "spnego.neg_token_init2") {
    std::string s = type == "spnego.neg_token_init" ? "SPNEGO NegTokenInit" : "SPNEGO NegTokenInit2";
    s += " [" + text::join(d.value("mech_types", Json::array()), ", ", "") + "]";
    if (has(d, "req_flags")) s += " req_flags " + text::join(d["req_flags"], ",");
    if (has(d, "neg_hints") && has(d["neg_hints"], "hint_name")) s += " hint " + field(d["neg_hints"], "hint_name");
    if (has(d, "mech_list_mic")) s += ", mechListMIC";
    return s + then(d, "mech_token");
  }
  std::string s = "SPNEGO NegTokenResp";
  if (has(d, "neg_state")) s += " " + name_of(d["neg_state"]);
  if (has(d, "supported_mech")) s += " mech " + name_of(d["supported_mech"]);
  if (has(d, "mech_list_mic")) s += ", mechListMIC";
  return s + then(d, "response_token");
}

std::string krb5_error(const Json& d) {
  std::string s = "krb5 KRB-ERROR";
  if (has(d, "error_code")) s += " " + field(d["error_code"], "name") + " (" + field(d["error_code"], "code") + ")";
  const auto server = principal(d, "sname", "realm");
  if (!server.empty()) s += " for " + server;
  const auto client = principal(d, "cname", "crealm");
  if (!client.empty()) s += " client " + client;
  if (has(d, "e_text")) s += ", \"" + field(d, "e_text") + "\"";
  return s;
}

std::string krb5_kdc_req(const std::string& type, const Json& d) {
  std::string s = type == "krb5.as_req" ? "krb5 AS-REQ" : "krb5 TGS-REQ";
  const auto& body = d.value("req_body", Json::object());
  const auto client = principal(body, "cname", "realm");
  if (type == "krb5.as_req" && !client.empty()) s += " " + client + " for";
  s += " " + principal(body, "sname", "realm");
  if (has(body, "kdc_options") && !body["kdc_options"].empty()) s += ", " + text::join(body["kdc_options"], ",");
  return s + padata_names(d.value("padata", Json()));
}

std::string krb5_kdc_rep(const std::string& type, const Json& d) {
  std::string s = type == "krb5.as_rep" ? "krb5 AS-REP" : "krb5 TGS-REP";
  const auto client = principal(d, "cname", "crealm");
  if (!client.empty()) s += " " + client;
  if (has(d, "ticket")) s += ", ticket " + ticket_text(d["ticket"]);
  return s;
}

std::string krb5_per_message(const std::string& type, const Json& d) {
  std::string s = type == "krb5.mic" ? "krb5 MIC" : "krb5 Wrap";
  if (has(d, "flags") && !d["flags"].empty()) s += " " + text::join(d["flags"], ",");
  if (has(d, "snd_seq")) s += " seq " + field(d, "snd_seq");
  if (has(d, "data_length")) s += ", " + field(d, "data_length") + " bytes";
  return s;
}

std::string krb5(const std::string& type, const Json& d) {
  if (type == "krb5.ap_req") {
    std::string s = "krb5 AP-REQ";
    if (has(d, "ticket")) s += " " + ticket_text(d["ticket"]);
    if (has(d, "ap_options") && !d["ap_options"].empty()) s += ", " + text::join(d["ap_options"], ",");
    return s;
  }
  if (type == "krb5.ap_rep") {
    std::string s = "krb5 AP-REP";
    if (has(d, "enc_part") && has(d["enc_part"], "etype")) s += " " + short_enctype(d["enc_part"]["etype"]);
    return s;
  }
  if (type == "krb5.krb_error") return krb5_error(d);
  if (type == "krb5.as_req" || type == "krb5.tgs_req") return krb5_kdc_req(type, d);
  if (type == "krb5.as_rep" || type == "krb5.tgs_rep") return krb5_kdc_rep(type, d);
  if (type == "krb5.mic" || type == "krb5.wrap") return krb5_per_message(type, d);
  // KRB-CRED, KRB-PRIV, KRB-SAFE, delete-context: the message name is what matters.
  std::string name = type.substr(5);
  for (auto& c : name) c = c == '_' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "krb5 " + name;
}

std::string ntlm_authenticate(const Json& d) {
  std::string s = "NTLM AUTHENTICATE";
  const std::string user = has(d, "user") ? field(d, "user") : "";
  const std::string domain = has(d, "domain") ? field(d, "domain") : "";
  if (!user.empty() || !domain.empty()) s += " " + (domain.empty() ? user : domain + "\\" + user);
  if (has(d, "workstation")) s += " from " + field(d, "workstation");
  if (has(d, "nt_challenge_response") && has(d["nt_challenge_response"], "kind"))
    s += ", " + field(d["nt_challenge_response"], "kind");
  if (has(d, "mic") && d["mic"].value("present", false)) s += ", MIC";
  if (has(d, "weaknesses") && !d["weaknesses"].empty()) s += ", weak: " + text::join(d["weaknesses"], ",");
  return s;
}

std::string ntlm(const std::string& type, const Json& d) {
  if (type == "ntlm.negotiate") {
    std::string s = "NTLM NEGOTIATE";
    if (has(d, "domain")) s += " domain " + field(d, "domain");
    if (has(d, "workstation")) s += " workstation " + field(d, "workstation");
    return s + ntlm_flags(d);
  }
  if (type == "ntlm.challenge") {
    std::string s = "NTLM CHALLENGE";
    if (has(d, "target_name")) s += " target " + field(d, "target_name");
    if (has(d, "server_challenge")) s += ", challenge " + field(d, "server_challenge");
    return s + ntlm_flags(d);
  }
  if (type == "ntlm.authenticate") return ntlm_authenticate(d);
  if (type == "ntlm.signature" || type == "ntlm.wrap") {
    std::string s = type == "ntlm.signature" ? "NTLM signature" : "NTLM wrap";
    if (has(d, "seq_num")) s += " seq " + field(d, "seq_num");
    if (has(d, "data_length")) s += ", " + field(d, "data_length") + " bytes";
    return s;
  }
  return "NTLM " + type.substr(5);
}

std::string summary(const Json& d) {
  if (!d.is_object()) return "";
  std::string type = d.contains("type") ? text::str(d["type"]) : "?";
  if (type == "gss.initial_context_token") {
    // The GSS framing (RFC 2743 3.1) only says which mech; the inner token says the rest.
    if (has(d, "inner_token")) return summary(d["inner_token"]);
    return "GSS initial context token" + (has(d, "mech") ? " (" + name_of(d["mech"]) + ")" : std::string());
  }
  if (type.rfind("spnego.", 0) == 0) return spnego(type, d);
  if (type.rfind("krb5.", 0) == 0) return krb5(type, d);
  if (type.rfind("ntlm.", 0) == 0) return ntlm(type, d);
  if (type == "iakerb.proxy") {
    std::string s = "IAKERB";
    if (has(d, "header") && has(d["header"], "target_realm")) s += " realm " + field(d["header"], "target_realm");
    return s + then(d, "message");
  }
  if (type == "unknown") return "unknown token" + (has(d, "reason") ? ": " + field(d, "reason") : std::string());
  return type;
}
}  // namespace

std::string summarize_token(const Json& decoded) {
  if (!decoded.is_object()) return "";
  std::string s = summary(decoded);
  if (const auto n = count_diagnostics(decoded); n > 0)
    s += " (" + std::to_string(n) + (n == 1 ? " decoding problem)" : " decoding problems)");
  return s;
}

}  // namespace authctx::text
