// The handshake view (local, client, server documents) and the dispatch to the other
// document kinds (text_view_docs.cpp). Layout, top to bottom: status line; legs; the two
// context views side by side; per-message results; warnings; trace; the error last, where
// the eye lands when the command returns.
#include "text/view.hpp"

#include <sstream>

#include "text/docs.hpp"
#include "text/ldap.hpp"
#include "text/style.hpp"

namespace authctx::text {
namespace {
using text::field;
using text::str;
using text::Style;

constexpr std::size_t k_label_width = 18;
constexpr std::size_t k_column_width = 32;

bool has(const Json& j, const char* key) { return j.is_object() && j.contains(key) && !j[key].is_null(); }

void status_line(std::ostringstream& o, const Json& doc, const Style& st) {
  const bool established = doc.value("established", false);
  o << st.bold("authctx " + field(doc, "command")) << "  "
    << (established ? st.good("✔ context established") : st.bad("✘ not established"));
  if (has(doc, "mech"))
    o << "  mech " << st.bold(text::name_of(doc["mech"])) << " (" << field(doc["mech"], "oid") << ")";
  if (has(doc, "peer")) o << "  peer " << str(doc["peer"]);
  o << "\n";
}

void legs_block(std::ostringstream& o, const Json& legs, const TextOptions& opt, const Style& st) {
  if (!legs.is_array() || legs.empty()) return;
  o << "\n" << st.heading("Legs") << "\n";
  for (const auto& leg : legs) {
    const bool to_acceptor = field(leg, "direction") == "initiator->acceptor";
    const std::string arrow = to_acceptor ? "initiator ──▶ acceptor" : "initiator ◀── acceptor";
    o << "  " << text::pad(field(leg, "index"), 3) << st.accent(arrow) << "  "
      << text::pad(field(leg, "length") + " B", 7) << " " << summarize_token(leg.value("decoded", Json())) << "\n";
    if (has(leg, "transport")) {
      const auto t = leg_transport_line(leg["transport"]);
      if (!t.empty()) o << "       " << st.dim(t) << "\n";
    }
    if (opt.verbose && has(leg, "decoded")) o << text::outline(leg["decoded"], "       ");
  }
}

// One row of the side-by-side table: label, then each side's value wrapped in its column.
void row(std::ostringstream& o, const std::string& label, const std::string& left, const std::string& right) {
  if (left == "-" && right == "-") return;
  const auto l = text::wrap_words(left, k_column_width);
  const auto r = text::wrap_words(right, k_column_width);
  for (std::size_t i = 0; i < std::max(l.size(), r.size()); ++i) {
    o << "  " << text::pad(i == 0 ? label : "", k_label_width) << text::pad(i < l.size() ? l[i] : "", k_column_width)
      << "  " << (i < r.size() ? r[i] : "") << "\n";
  }
}

std::string flags(const Json& c, const char* which) {
  if (!has(c, "flags") || !has(c["flags"], which)) return "-";
  return text::join(c["flags"][which], " ", "(none)");
}

std::string lifetime(const Json& c) {
  if (!has(c, "lifetime_seconds") || !c["lifetime_seconds"].is_number_integer()) return field(c, "lifetime_seconds");
  const auto secs = c["lifetime_seconds"].get<long long>();
  std::string s = std::to_string(secs) + " s";
  if (secs >= 60)
    s += " (" + std::to_string(secs / 3600) + "h" + (secs % 3600 / 60 < 10 ? "0" : "") +
         std::to_string(secs % 3600 / 60) + "m)";
  return s;
}

std::string session_key(const Json& c) {
  if (!has(c, "session_key")) return "-";
  const auto& k = c["session_key"];
  std::string s = has(k, "enctype") ? text::name_of(k["enctype"]) : "(no enctype)";
  if (has(k, "length")) s += " (" + field(k, "length") + " B)";
  return s;
}

std::string attributes(const Json& c) {
  if (!has(c, "name_attributes") || c["name_attributes"].empty()) return "-";
  std::string s;
  for (const auto& a : c["name_attributes"]) s += (s.empty() ? "" : " ") + (a.is_object() ? field(a, "name") : str(a));
  return s;
}

// The acceptor's look inside the ticket (its "ticket" object): the ticket as sent, what its
// keytab found inside, the PAC's user, and the bindings hash sent against the one expected.
std::string ticket(const Json& c) {
  if (!has(c, "ticket")) return "-";
  const auto& t = c["ticket"];
  return field(t, "server") + " kvno " + field(t, "kvno") + " " + text::short_enctype(t["enctype"]);
}

std::string ticket_client(const Json& c) {
  if (!has(c, "ticket")) return "-";
  const auto& t = c["ticket"];
  if (!has(t, "client")) return "not decrypted (" + field(t["decryption"], "class") + ")";
  std::string s = field(t, "client");
  if (has(t, "session_key")) s += " (session key " + text::short_enctype(t["session_key"]["enctype"]) + ")";
  return s;
}

std::string pac(const Json& c) {
  if (!has(c, "ticket") || !has(c["ticket"], "pac")) return "-";
  const auto& p = c["ticket"]["pac"];
  std::string s = has(p, "user") ? field(p, "user") : field(p, "client_name");
  if (has(p, "user_sid")) s += " " + field(p, "user_sid");
  if (has(p, "group_sids")) s += ", " + std::to_string(p["group_sids"].size()) + " group SIDs";
  if (has(p, "upn")) s += ", UPN " + field(p, "upn");
  return s;
}

std::string bindings(const Json& c) {
  if (!has(c, "ticket") || !has(c["ticket"], "authenticator") || !has(c["ticket"]["authenticator"], "bindings"))
    return "-";
  const auto& b = c["ticket"]["authenticator"]["bindings"];
  const std::string sent = has(b, "sent") ? field(b, "sent") : std::string("none");
  if (!has(b, "expected")) return "sent " + sent;
  if (b.value("match", false)) return sent + " ✔ as expected";
  return "✘ sent " + sent + " expected " + field(b, "expected");
}

void contexts_block(std::ostringstream& o, const Json& doc, const Style& st) {
  const Json none = Json::object();
  const Json& i = has(doc, "initiator") ? doc["initiator"] : none;
  const Json& a = has(doc, "acceptor") ? doc["acceptor"] : none;
  if (i.empty() && a.empty()) return;
  o << "\n" << st.heading("Context") << "\n";
  o << "  " << text::pad("", k_label_width) << text::pad(st.bold("initiator"), k_column_width) << "  "
    << st.bold("acceptor") << "\n";
  auto both = [&](const std::string& label, auto&& get) { row(o, label, get(i), get(a)); };
  both("source name", [](const Json& c) { return field(c, "source_name"); });
  both("target name", [](const Json& c) { return field(c, "target_name"); });
  both("mech", [](const Json& c) { return has(c, "mech") ? text::name_of(c["mech"]) : "-"; });
  both("flags requested", [](const Json& c) { return flags(c, "requested"); });
  both("flags granted", [](const Json& c) { return flags(c, "granted"); });
  both("lifetime", lifetime);
  both("expires", [](const Json& c) { return field(c, "expires_at"); });
  both("session key", session_key);
  both("ticket flags", [](const Json& c) { return has(c, "ticket_flags") ? text::join(c["ticket_flags"]) : "-"; });
  both("name attributes", attributes);
  both("ticket", ticket);
  both("ticket client", ticket_client);
  both("PAC", pac);
  both("bindings", bindings);
  both("delegated creds", [](const Json& c) {
    if (!has(c, "delegated_credentials")) return std::string("-");
    const auto& d = c["delegated_credentials"];
    return d.is_object() && has(d, "name") ? field(d, "name") : std::string("yes");
  });
}

void messages_block(std::ostringstream& o, const Json& messages, const Style& st) {
  if (!messages.is_array() || messages.empty()) return;
  o << "\n" << st.heading("Messages") << "\n";
  for (const auto& m : messages) {
    const bool ok = m.value("ok", false);
    std::string kind = field(m, "kind");
    if (m.value("conf_requested", false) || m.value("conf", false)) kind += " (conf)";
    o << "  " << (ok ? st.good("✔") : st.bad("✘")) << " " << text::pad(kind, 12) << field(m, "direction");
    if (!ok && has(m, "error"))
      o << "  " << st.bad(has(m["error"], "message") ? field(m["error"], "message") : str(m["error"]));
    o << "\n";
  }
}

// --expect results: a mark, the expression, and what the document showed.
void expectations_block(std::ostringstream& o, const Json& expectations, const Style& st) {
  if (!expectations.is_array() || expectations.empty()) return;
  o << "\n" << st.heading("Expectations") << "\n";
  for (const auto& e : expectations) {
    const bool ok = e.value("ok", false);
    const bool evaluated = e.value("evaluated", true);
    const Json a = e.value("actual", Json());
    const std::string actual = a.is_array()     ? text::join(a, " ", "(none)")
                               : a.is_boolean() ? (a.get<bool>() ? "yes" : "no")
                               : a.is_null()    ? "none"
                                                : str(a);
    o << "  " << (ok ? st.good("✔") : evaluated ? st.bad("✘") : st.dim("-")) << " " << text::pad(field(e, "expr"), 28);
    if (!evaluated)
      o << " " << st.dim("not evaluated");
    else if (ok)
      o << " " << actual;
    else
      o << " " << st.bad("expected " + field(e, "expected") + ", actual " + actual);
    o << "\n";
  }
}

void warnings_block(std::ostringstream& o, const Json& warnings, const Style& st) {
  if (!warnings.is_array() || warnings.empty()) return;
  o << "\n" << st.heading("Warnings") << "\n";
  for (const auto& w : warnings) {
    o << "  " << st.warn("! " + field(w, "class"));
    if (has(w, "message")) o << ": " << field(w, "message");
    o << "\n";
    if (has(w, "hint")) o << "    next: " << field(w, "hint") << "\n";
  }
}

void trace_block(std::ostringstream& o, const Json& trace, const Style& st) {
  if (!trace.is_array() || trace.empty()) return;
  o << "\n" << st.heading("Trace") << "\n";
  for (const auto& t : trace) {
    o << "  " << st.dim(has(t, "leg") ? "[leg " + field(t, "leg") + "]" : "[-]") << " " << field(t, "message") << "\n";
  }
}
}  // namespace

void error_block(std::ostringstream& o, const Json& e, const Style& st) {
  if (!e.is_object()) return;
  o << "\n" << st.bad("✘ error: " + field(e, "class"));
  if (has(e, "stage")) o << " at " << field(e, "stage");
  if (has(e, "side")) o << " (" << field(e, "side") << " side)";
  o << "\n";
  if (has(e, "message")) o << "  " << st.bold(field(e, "message")) << "\n";
  if (has(e, "major")) {
    const auto& major = e["major"];
    o << "  major  " << field(major, "routine");
    if (has(major, "calling")) o << " " << field(major, "calling");
    if (has(major, "supplementary") && !major["supplementary"].empty()) o << " " << join(major["supplementary"]);
    o << " (" << field(major, "code") << ")";
    if (has(major, "text") && major["text"].is_array())
      for (const auto& t : major["text"]) o << "\n         " << str(t);
    o << "\n";
  }
  if (has(e, "minor")) {
    o << "  minor  " << field(e["minor"], "code");
    if (field(e["minor"], "text") != field(e, "message")) o << ": " << field(e["minor"], "text");
    o << "\n";
  }
  if (has(e, "mech")) o << "  mech   " << name_of(e["mech"]) << "\n";
  if (has(e, "remote"))
    o << "  peer   " << (has(e["remote"], "message") ? field(e["remote"], "message") : str(e["remote"])) << "\n";
  if (has(e, "hint") && !field(e, "hint").empty()) {
    const auto lines = wrap_words(field(e, "hint"), 72);
    for (std::size_t i = 0; i < lines.size(); ++i)
      o << "  " << (i == 0 ? st.warn("next: ") : "      ") << lines[i] << "\n";
  }
}

std::string render_text(const Json& doc, const TextOptions& options) {
  const Style st{options.color};
  std::ostringstream o;
  if (!doc.is_object()) return str(doc) + "\n";
  if (auto special = text::render_other(doc, options); special) return *special;
  status_line(o, doc, st);
  if (has(doc, "summary")) text::summary_block(o, doc["summary"], st, doc.value("outcomes", Json()));
  legs_block(o, doc.value("legs", Json()), options, st);
  if (has(doc, "transport") && field(doc["transport"], "kind") == "http") text::http_block(o, doc["transport"], st);
  contexts_block(o, doc, st);
  ldap_block(o, doc, st);
  messages_block(o, doc.value("messages", Json()), st);
  expectations_block(o, doc.value("expectations", Json()), st);
  warnings_block(o, doc.value("warnings", Json()), st);
  trace_block(o, doc.value("trace", Json()), st);
  text::error_block(o, doc.value("error", Json()), st);
  return o.str();
}

}  // namespace authctx::text
