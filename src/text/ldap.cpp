#include "text/ldap.hpp"

#include <cstdio>
#include <utility>

namespace authctx::text {
namespace {

bool has(const Json& j, const char* key) { return j.is_object() && j.contains(key) && !j[key].is_null(); }

std::string peer_field(const Json& j, const char* key) { return escape_controls(field(j, key)); }

// "saslBindInProgress (14)" plus the diagnostic message when there is one.
std::string result_text(const Json& r) {
  if (!has(r, "result_code")) return "";
  std::string s = field(r, "result_name") + " (" + field(r, "result_code") + ")";
  if (has(r, "diagnostic_message") && !r["diagnostic_message"].get<std::string>().empty())
    s += " \"" + peer_field(r, "diagnostic_message") + "\"";
  if (has(r, "matched_dn") && !r["matched_dn"].get<std::string>().empty())
    s += " matched " + peer_field(r, "matched_dn");
  return s;
}

std::string buffers(const Json& j) {
  if (!has(j, "sasl_buffers")) return "";
  return " in SASL buffer " + join(j["sasl_buffers"], "+") + " B";
}

void line(std::ostringstream& o, const std::string& label, const std::string& value) {
  if (value.empty() || value == "-") return;
  const auto lines = wrap_words(value, 60);
  for (std::size_t i = 0; i < lines.size(); ++i) o << "  " << pad(i == 0 ? label : "", 20) << lines[i] << "\n";
}

void security_layer(std::ostringstream& o, const Json& app) {
  if (!has(app, "security_layer")) return;
  const auto& sl = app["security_layer"];
  if (field(sl, "negotiation") == "gss_flags") {
    line(o, "security layer",
         "GSS-SPNEGO: no layer message; sign or seal per the GSS-API flags (" + field(sl, "requested") + " requested)");
  } else if (has(sl, "offer")) {
    const auto& of = sl["offer"];
    std::string offer = join(of["layers"], ", ", "nothing") + "; max buffer " + field(of, "max_buffer") + " B (" +
                        field(of, "unwrapped_hex") + ", wrapped " + field(of, "wrapped_length") + " B)";
    line(o, "server offers", offer);
    if (has(of, "diagnostics"))
      for (const auto& d : of["diagnostics"])
        line(o, "", "at byte " + field(d, "offset") + ": " + peer_field(d, "message"));
    if (has(sl, "choice")) {
      const auto& ch = sl["choice"];
      std::string choice = field(ch, "layer") + "; max buffer " + field(ch, "max_buffer") + " B";
      if (has(ch, "authzid")) choice += "; authzid " + peer_field(ch, "authzid");
      choice += " (" + field(ch, "unwrapped_hex") + ", wrapped " + field(ch, "wrapped_length") + " B)";
      line(o, "client chose", choice);
    }
  }
  if (has(app, "protection")) {
    const auto& p = app["protection"];
    std::string s = field(p, "layer");
    if (has(p, "send_max_buffer"))
      s += "; buffers up to " + field(p, "send_max_buffer") + " B out, " + field(p, "receive_max_buffer") + " B in";
    if (has(p, "wrapped_tokens_received"))
      s += "; received " + field(p["wrapped_tokens_received"], "sealed") + " sealed, " +
           field(p["wrapped_tokens_received"], "signed_only") + " signed-only";
    line(o, "protection", s);
  }
}

void root_dse(std::ostringstream& o, const Json& app) {
  if (!has(app, "root_dse")) return;
  const auto& r = app["root_dse"];
  static const std::pair<const char*, const char*> k_shown[] = {
      {"dnsHostName", "dns host name"},          {"defaultNamingContext", "default context"},
      {"namingContexts", "naming contexts"},     {"supportedSASLMechanisms", "sasl mechanisms"},
      {"supportedLDAPVersion", "ldap versions"}, {"vendorName", "vendor"}};
  for (const auto& [attr, label] : k_shown) {
    if (!has(r, attr)) continue;
    std::string values;
    for (const auto& v : r[attr]) values += (values.empty() ? "" : " ") + escape_controls(str(v));
    line(o, label, values);
  }
}

void exchanges(std::ostringstream& o, const Json& app, const Style& st) {
  if (!has(app, "exchanges") || app["exchanges"].empty()) return;
  o << "  " << st.dim("after the context:") << "\n";
  for (const auto& ex : app["exchanges"]) {
    o << "    #" << field(ex, "message_id") << " " << field(ex, "operation") << " " << field(ex, "length") << " B"
      << buffers(ex) << "\n";
    if (!has(ex, "responses")) continue;
    for (const auto& r : ex["responses"]) {
      std::string s = field(r, "operation") + " " + field(r, "length") + " B" + buffers(r);
      // Under a layer, a response with no buffer of its own came in the previous one.
      if (has(ex, "sasl_buffers") && !has(r, "sasl_buffers")) s += " in the same SASL buffer";
      const auto res = result_text(r);
      if (!res.empty()) s += "  " + res;
      o << "       ◀ " << s << "\n";
    }
  }
}

}  // namespace

std::string escape_controls(const std::string& s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string leg_transport_line(const Json& transport) {
  if (!has(transport, "ldap")) return "";
  const auto& l = transport["ldap"];
  std::string s = "LDAP #" + field(l, "message_id") + " " + field(l, "operation");
  if (has(l, "mechanism")) s += " " + field(l, "mechanism");
  s += " " + field(l, "length") + " B";
  const auto res = result_text(l);
  if (!res.empty()) s += "  " + res;
  return s;
}

void ldap_block(std::ostringstream& o, const Json& doc, const Style& st) {
  if (!has(doc, "transport") || field(doc["transport"], "kind") != "ldap") return;
  const auto& t = doc["transport"];
  const Json app = has(doc, "application") ? doc["application"] : Json::object();
  o << "\n" << st.heading("LDAP") << "\n";
  std::string where = field(t, "url") + " via " + field(t, "connected_to");
  if (has(t, "resolved_by")) where += " (" + field(t, "resolved_by") + ")";
  line(o, "server", where);
  if (has(t, "tls")) {
    const auto& tls = t["tls"];
    line(o, "tls",
         field(tls, "started_by") + ": " + field(tls, "version") + " " + field(tls, "cipher") + "; " +
             peer_field(tls, "peer_subject") + "; " +
             (tls.value("verified", false) ? "verified" : "NOT verified: " + field(tls, "verify_result")));
  } else {
    line(o, "tls", "none");
  }
  if (has(app, "bind")) line(o, "bind", field(t, "mechanism") + " " + result_text(app["bind"]));
  security_layer(o, app);
  root_dse(o, app);
  if (has(app, "authorization_identity") || has(app, "whoami")) {
    std::string id = has(app, "authorization_identity") ? escape_controls(field(app, "authorization_identity")) : "-";
    if (id.empty()) id = "(anonymous)";
    if (has(app, "whoami") && !app["whoami"].value("sent", true))
      id += " (no WhoAmI: " + field(app["whoami"], "reason") + ")";
    line(o, "bound as", id);
  }
  exchanges(o, app, st);
}

}  // namespace authctx::text
