#include "policy/facts.hpp"

#include <algorithm>
#include <string_view>

namespace authctx::policy {
namespace {

const Json& null_json() {
  static const Json k_null = nullptr;
  return k_null;
}

bool server_document(const Json& doc) { return member(doc, "command") == "server"; }

std::string type_of(const Json& node) {
  const auto& t = member(node, "type");
  return t.is_string() ? t.get<std::string>() : std::string();
}

// Bounded walk: decoded trees nest a few levels (GSS framing, SPNEGO, IAKERB, the message);
// the depth limit keeps a hostile recorded document from recursing without end.
constexpr int k_max_depth = 64;

bool holds_ntlm(const Json& node, int depth) {
  if (depth > k_max_depth) return false;
  if (node.is_object()) {
    if (type_of(node).rfind("ntlm.", 0) == 0) return true;
    for (const auto& [k, v] : node.items())
      if (holds_ntlm(v, depth + 1)) return true;
  } else if (node.is_array()) {
    for (const auto& v : node)
      if (holds_ntlm(v, depth + 1)) return true;
  }
  return false;
}

// KDC messages an IAKERB token proxies carry tickets of their own (the TGT inside a
// TGS-REQ's PA-TGS-REQ AP-REQ): not the service ticket.
bool kdc_exchange(const std::string& type) {
  static constexpr std::string_view k_skip[] = {"krb5.as_req",  "krb5.as_rep",    "krb5.tgs_req",
                                                "krb5.tgs_rep", "krb5.krb_error", "krb5.krb_cred"};
  return std::find(std::begin(k_skip), std::end(k_skip), type) != std::end(k_skip);
}

void find_ap_req(const Json& node, int depth, const Json** last) {
  if (depth > k_max_depth) return;
  if (node.is_object()) {
    const auto type = type_of(node);
    if (kdc_exchange(type)) return;
    if (type == "krb5.ap_req") *last = &node;
    for (const auto& [k, v] : node.items()) find_ap_req(v, depth + 1, last);
  } else if (node.is_array()) {
    for (const auto& v : node) find_ap_req(v, depth + 1, last);
  }
}

std::optional<std::int64_t> integer(const Json& j) {
  if (j.is_number_integer()) return j.get<std::int64_t>();
  return std::nullopt;
}

bool contains(const Json& arr, std::string_view s) {
  if (!arr.is_array()) return false;
  return std::any_of(arr.begin(), arr.end(), [&](const Json& v) { return v.is_string() && v.get<std::string>() == s; });
}
}  // namespace

const Json& member(const Json& j, const char* key) {
  if (!j.is_object()) return null_json();
  const auto it = j.find(key);
  return it == j.end() ? null_json() : *it;
}

std::string string_at(const Json& j, const char* key) {
  const auto& v = member(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

bool bool_at(const Json& j, const char* key, bool dflt) {
  const auto& v = member(j, key);
  return v.is_boolean() ? v.get<bool>() : dflt;
}

const Json& own_context(const Json& doc) { return member(doc, server_document(doc) ? "acceptor" : "initiator"); }

const Json& other_context(const Json& doc) { return member(doc, server_document(doc) ? "initiator" : "acceptor"); }

const Json& acceptor_context(const Json& doc) { return member(doc, "acceptor"); }

Json context_fact(const Json& doc, const char* key) {
  const auto& own = member(own_context(doc), key);
  if (!own.is_null()) return own;
  return member(other_context(doc), key);
}

std::string mech_name(const Json& doc) {
  const auto& mech = member(doc, "mech");
  const auto& name = member(mech, "name");
  return name.is_string() ? name.get<std::string>() : std::string();
}

std::string mech_oid(const Json& doc) {
  const auto& oid = member(member(doc, "mech"), "oid");
  return oid.is_string() ? oid.get<std::string>() : std::string();
}

bool via_spnego(const Json& doc) {
  if (member(member(doc, "requested_mech"), "name") == "spnego") return true;
  if (member(doc, "negotiation").is_object()) return true;
  const auto& legs = member(doc, "legs");
  if (!legs.is_array() || legs.empty()) return false;
  const auto& first = member(legs.front(), "decoded");
  return member(member(first, "mech"), "name") == "spnego";
}

std::vector<int> ntlm_legs(const Json& doc) {
  std::vector<int> out;
  const auto& legs = member(doc, "legs");
  if (!legs.is_array()) return out;
  for (const auto& leg : legs)
    if (holds_ntlm(member(leg, "decoded"), 0))
      out.push_back(static_cast<int>(integer(member(leg, "index")).value_or(0)));
  return out;
}

std::optional<TicketFact> service_ticket(const Json& doc) {
  const auto& legs = member(doc, "legs");
  if (!legs.is_array()) return std::nullopt;
  std::optional<TicketFact> found;
  for (const auto& leg : legs) {
    if (member(leg, "direction") != "initiator->acceptor") continue;
    const Json* ap_req = nullptr;
    find_ap_req(member(leg, "decoded"), 0, &ap_req);
    if (ap_req == nullptr) continue;
    const auto& ticket = member(*ap_req, "ticket");
    const auto& enc = member(ticket, "enc_part");
    TicketFact t;
    t.leg = static_cast<int>(integer(member(leg, "index")).value_or(0));
    t.etype = integer(member(member(enc, "etype"), "id"));
    const auto& name = member(member(enc, "etype"), "name");
    if (name.is_string()) t.etype_name = name.get<std::string>();
    t.kvno = integer(member(enc, "kvno"));
    const auto& sname = member(ticket, "sname");
    const auto& realm = member(ticket, "realm");
    if (sname.is_string())
      t.server = sname.get<std::string>() + (realm.is_string() ? "@" + realm.get<std::string>() : "");
    found = t;
  }
  return found;
}

std::optional<std::int64_t> session_enctype(const Json& doc) {
  for (const Json* c : {&own_context(doc), &other_context(doc)}) {
    const auto id = integer(member(member(member(*c, "session_key"), "enctype"), "id"));
    if (id) return id;
  }
  return std::nullopt;
}

Json granted_flags(const Json& context) {
  const auto& g = member(member(context, "flags"), "granted");
  return g.is_array() ? g : Json::array();
}

bool delegation_happened(const Json& doc) {
  const auto& acc = acceptor_context(doc);
  if (acc.is_object() && !member(acc, "delegated_credentials").is_null()) return true;
  return contains(granted_flags(own_context(doc)), "deleg") || contains(granted_flags(other_context(doc)), "deleg");
}

std::optional<std::vector<std::string>> pac_buffers(const Json& doc) {
  const auto& acc = acceptor_context(doc);
  if (!acc.is_object()) return std::nullopt;
  std::vector<std::string> out;
  const auto& attrs = member(acc, "name_attributes");
  if (!attrs.is_array()) return out;
  static constexpr std::string_view k_prefix = "urn:mspac:";
  for (const auto& a : attrs) {
    const auto& name = a.is_object() ? member(a, "name") : a;
    if (!name.is_string()) continue;
    const auto s = name.get<std::string>();
    if (s.rfind(k_prefix, 0) == 0) out.push_back(s.substr(k_prefix.size()));
  }
  return out;
}

std::optional<std::int64_t> lifetime_seconds(const Json& doc) {
  for (const Json* c : {&own_context(doc), &other_context(doc)}) {
    if (const auto t = integer(member(*c, "context_time_seconds"))) return t;
    if (const auto t = integer(member(*c, "lifetime_seconds"))) return t;
  }
  return std::nullopt;
}

}  // namespace authctx::policy
