#include "core/text_view.hpp"

#include <sstream>

#include "core/sink.hpp"

namespace authctx::core {
namespace {

struct Style {
  bool color;
  std::string wrap(const char* code, const std::string& s) const {
    return color ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s;
  }
  std::string bold(const std::string& s) const { return wrap("1", s); }
  std::string good(const std::string& s) const { return wrap("32", s); }
  std::string bad(const std::string& s) const { return wrap("31;1", s); }
  std::string warn(const std::string& s) const { return wrap("33", s); }
};

std::string str(const Json& j) {
  if (j.is_null()) return "-";
  if (j.is_string()) return j.get<std::string>();
  return dump_json(j);
}

std::string join(const Json& arr) {
  if (!arr.is_array()) return "-";
  std::string out;
  for (const auto& v : arr) out += (out.empty() ? "" : ",") + str(v);
  return out.empty() ? "(none)" : out;
}

std::string summary_of(const Json& decoded) {
  if (!decoded.is_object()) return "";
  std::string s = str(decoded.value("type", Json("?")));
  if (decoded.contains("inner") && decoded["inner"].is_object()) s += " > " + summary_of(decoded["inner"]);
  return s;
}

void context_lines(std::ostringstream& o, const char* label, const Json& c) {
  if (!c.is_object()) return;
  o << "  " << label << ":\n";
  o << "    source   " << str(c["source_name"]) << "\n";
  o << "    target   " << str(c["target_name"]) << "\n";
  o << "    mech     " << (c["mech"].is_object() ? str(c["mech"]["name"]) : "-") << "\n";
  if (c["flags"].contains("requested")) o << "    flags    requested " << join(c["flags"]["requested"]) << "\n             granted   " << join(c["flags"]["granted"]) << "\n";
  else o << "    flags    granted " << join(c["flags"]["granted"]) << "\n";
  o << "    lifetime " << str(c["lifetime_seconds"]) << " s, expires " << str(c["expires_at"]) << "\n";
  if (c["session_key"].is_object()) {
    const auto& k = c["session_key"];
    o << "    key      " << (k["enctype"].is_object() ? str(k["enctype"]["name"]) : "-") << ", " << str(k["length"])
      << " bytes\n";
  }
  if (c["ticket_flags"].is_array()) o << "    ticket   " << join(c["ticket_flags"]) << "\n";
  if (c["name_attributes"].is_array() && !c["name_attributes"].empty()) {
    std::string names;
    for (const auto& a : c["name_attributes"]) names += (names.empty() ? "" : " ") + str(a["name"]);
    o << "    attrs    " << names << "\n";
  }
}
}  // namespace

std::string render_text(const Json& doc, bool color) {
  const Style st{color};
  std::ostringstream o;
  const bool established = doc.value("established", false);
  o << st.bold("authctx " + str(doc.value("command", Json("")))) << ": "
    << (established ? st.good("context established") : st.bad("not established"));
  if (doc.contains("mech") && doc["mech"].is_object())
    o << " (" << str(doc["mech"]["name"]) << " " << str(doc["mech"]["oid"]) << ")";
  o << "\n";
  if (doc.contains("legs")) {
    for (const auto& leg : doc["legs"]) {
      const bool to_acceptor = str(leg["direction"]) == "initiator->acceptor";
      o << "  leg " << str(leg["index"]) << "  " << (to_acceptor ? "initiator --> acceptor" : "initiator <-- acceptor")
        << "  " << str(leg["length"]) << " bytes  " << summary_of(leg.value("decoded", Json())) << "\n";
    }
  }
  if (doc.contains("initiator")) context_lines(o, "initiator", doc["initiator"]);
  if (doc.contains("acceptor")) context_lines(o, "acceptor", doc["acceptor"]);
  if (doc.contains("messages") && !doc["messages"].empty()) {
    o << "  messages:\n";
    for (const auto& m : doc["messages"]) {
      o << "    " << str(m["kind"]) << (m.value("conf_requested", false) ? "(conf)" : "") << " " << str(m["direction"])
        << ": " << (m.value("ok", false) ? st.good("ok") : st.bad("FAILED " + str(m.value("error", Json(""))))) << "\n";
    }
  }
  if (doc.contains("warnings")) {
    for (const auto& w : doc["warnings"])
      o << "  " << st.warn("warning " + str(w["class"])) << ": " << str(w["message"]) << "\n    next: " << str(w["hint"]) << "\n";
  }
  if (doc.contains("error") && doc["error"].is_object()) {
    const auto& e = doc["error"];
    o << "  " << st.bad("error [" + str(e["class"]) + "]") << " at " << str(e["stage"]);
    if (e.contains("side") && !e["side"].is_null()) o << " (" << str(e["side"]) << ")";
    o << ": " << str(e["message"]) << "\n";
    if (e.contains("hint") && !str(e["hint"]).empty()) o << "    next: " << str(e["hint"]) << "\n";
  }
  // Documents without legs (lab, mechs, ...) are shown as indented JSON.
  if (!doc.contains("legs") && !doc.contains("error")) o << dump_json(doc, 2) << "\n";
  return o.str();
}

}  // namespace authctx::core
