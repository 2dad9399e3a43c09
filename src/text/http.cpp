// The HTTP block of the handshake view: what crossed the wire as HTTP, beside the legs'
// tokens. Everything a peer wrote goes through str()/field(), like the rest of the view.
#include <sstream>

#include "text/docs.hpp"
#include "text/style.hpp"

namespace authctx::text {
namespace {

constexpr std::size_t k_label = 18;

bool present(const Json& j, const char* key) { return j.is_object() && j.contains(key) && !j[key].is_null(); }

void line(std::ostringstream& o, const std::string& label, const std::string& value) {
  const auto lines = wrap_words(value, 90);
  for (std::size_t i = 0; i < lines.size(); ++i) o << "  " << pad(i == 0 ? label : "", k_label) << lines[i] << "\n";
}

std::string exchange(const Json& e) {
  std::string s = field(e, "request");
  if (present(e, "authorization")) s += "  " + field(e, "authorization");
  s += "  → " + field(e, "status") + " " + field(e, "reason");
  if (present(e, "www_authenticate") && !e["www_authenticate"].empty())
    s += "  WWW-Authenticate: " + join(e["www_authenticate"], ", ");
  if (present(e, "persistent_auth")) s += "  Persistent-Auth: " + field(e, "persistent_auth");
  if (present(e, "connection")) {
    const auto& c = e["connection"];
    s += "  [connection " + field(c, "number") + " " + field(c, "state");
    if (present(c, "reopen_reason")) s += ": " + field(c, "reopen_reason");
    s += "]";
  }
  return s;
}

void tls_lines(std::ostringstream& o, const Json& tls, const Style& st) {
  if (!tls.is_object()) return;
  std::string session = field(tls, "version") + " " + field(tls, "cipher");
  if (present(tls, "verified")) session += tls.value("verified", false) ? ", verified" : ", " + st.warn("not verified");
  if (present(tls, "server_name")) session += ", SNI " + field(tls, "server_name");
  line(o, "tls", session);
  if (!present(tls, "certificate")) return;
  const auto& c = tls["certificate"];
  line(o, "certificate",
       field(c, "subject") + ", issued by " + field(c, "issuer") + ", valid " + field(c, "not_before") + " to " +
           field(c, "not_after") + ", " + field(c, "signature_algorithm"));
}

void bindings_line(std::ostringstream& o, const Json& cb) {
  if (!cb.is_object()) return;
  std::string s = present(cb, "type") ? field(cb, "type") : "none";
  if (present(cb, "hash")) s += " (" + field(cb, "hash") + ")";
  if (cb.contains("expected")) s += cb.value("expected", false) ? ", expected" : ", not expected";
  if (cb.contains("sent")) s += cb["sent"].is_boolean() ? (cb["sent"].get<bool>() ? ", sent" : ", not sent") : "";
  if (cb.contains("matched") && cb["matched"].is_boolean())
    s += cb["matched"].get<bool>() ? ", matched" : ", MISMATCHED";
  if (cb.value("required", false)) s += ", required";
  if (present(cb, "reason")) s += " (" + field(cb, "reason") + ")";
  line(o, "channel bindings", s);
}
}  // namespace

void http_block(std::ostringstream& o, const Json& t, const Style& st) {
  o << "\n" << st.heading("HTTP") << "\n";
  const bool server = field(t, "role") == "server";
  if (server) {
    line(o, "client", field(t, "peer") + " → " + field(t, "local"));
    for (const auto& r : t.value("requests", Json::array()))
      line(o, "request",
           field(r, "request") + "  " + field(r, "authorization") + "  (Host " + field(r, "host") + ", " +
               field(r, "user_agent") + ")");
  } else {
    line(o, "url",
         field(t, "url") + (present(t, "connect_address") ? "  (at " + field(t, "connect_address") + ")" : ""));
    for (const auto& r : t.value("redirects", Json::array()))
      line(o, "redirect", field(r, "status") + " " + field(r, "from") + " → " + field(r, "location"));
    for (const auto& e : t.value("exchanges", Json::array())) line(o, "exchange", exchange(e));
  }
  line(o, "scheme", field(t, "scheme") + "  (offered: " + join(t.value("offered", Json::array()), ", ") + ")");
  if (present(t, "service")) {
    const auto& s = t["service"];
    std::string v = field(s, "target");
    if (present(s, "principal")) v += " → " + field(s, "principal");
    if (present(s, "dns_canonicalize_hostname"))
      v += "  (dns_canonicalize_hostname = " + field(s, "dns_canonicalize_hostname") + ")";
    line(o, "service", v);
  }
  tls_lines(o, t.value("tls", Json()), st);
  bindings_line(o, t.value("channel_bindings", Json()));
}

}  // namespace authctx::text
