#include "policy/junit.hpp"

#include <cstdio>

#include "policy/evaluate.hpp"
#include "policy/xml_text.hpp"
#include "util/timefmt.hpp"

namespace authctx::policy {
namespace {

std::string attr(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + xml_attribute(value) + "\"";
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

// The Ant schema's timestamp has no zone; ours is UTC.
std::string timestamp_text(std::int64_t unix_seconds) {
  auto t = util::rfc3339_utc(unix_seconds);
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  return t;
}

std::string str(const Json& j) {
  if (j.is_null()) return {};
  if (j.is_string()) return j.get<std::string>();
  return json::dump(j);
}

std::string words(const Json& arr) {
  if (!arr.is_array()) return {};
  std::string out;
  for (const auto& v : arr) out += (out.empty() ? "" : " ") + str(v);
  return out;
}

struct Case {
  std::string name;
  double seconds = 0;
  enum class Kind { pass, failure, skipped } kind = Kind::pass;
  std::string type;
  std::string message;
  std::string body;
};

std::string case_xml(const Case& c, const std::string& classname) {
  std::string x =
      "    <testcase" + attr("classname", classname) + attr("name", c.name) + attr("time", seconds_text(c.seconds));
  if (c.kind == Case::Kind::pass) return x + "/>\n";
  x += ">\n";
  if (c.kind == Case::Kind::skipped) {
    x += "      <skipped" + attr("message", c.message) + "/>\n";
  } else {
    x += "      <failure" + attr("type", c.type) + attr("message", c.message) + ">" + xml_text(c.body) + "</failure>\n";
  }
  return x + "    </testcase>\n";
}

// The handshake's own result: failed when the context was not established, or when it was
// and then failed otherwise (a per-message check, --require-mech, a transport error).
Case establishment_case(const Json& doc) {
  Case c;
  c.name = "context established";
  const auto& elapsed = member(doc, "elapsed_ms");
  c.seconds = elapsed.is_number() ? elapsed.get<double>() / 1000.0 : 0.0;
  const auto& err = member(doc, "error");
  const bool established = bool_at(doc, "established", false);
  const bool other_error = err.is_object() && string_at(err, "class") != "expectation_failed";
  if (established && !other_error) return c;
  c.kind = Case::Kind::failure;
  if (!err.is_object()) {
    c.type = "not_established";
    c.message = "the context was not established";
    c.body = c.message;
    return c;
  }
  c.type = string_at(err, "class").empty() ? "error" : string_at(err, "class");
  c.message = (established ? "established, then failed: " : "") + str(member(err, "message"));
  c.body = "class: " + c.type + "\nstage: " + str(member(err, "stage")) +
           (err.contains("side") && !err["side"].is_null() ? "\nside: " + str(err["side"]) : "") + "\n" +
           str(member(err, "message")) + "\nnext: " + str(member(err, "hint"));
  return c;
}

Case expectation_case(const Json& e) {
  Case c;
  c.name = "expect " + string_at(e, "expr");
  if (bool_at(e, "ok", false)) return c;
  if (!bool_at(e, "evaluated", true)) {
    c.kind = Case::Kind::skipped;
    c.message = string_at(e, "detail").empty() ? "not evaluated" : string_at(e, "detail");
    return c;
  }
  c.kind = Case::Kind::failure;
  c.type = "expectation_failed";
  c.message = "expected " + string_at(e, "expected") + ", actual " + actual_text(member(e, "actual"));
  c.body = c.message + (e.contains("detail") ? "\nwhere: " + str(e["detail"]) : "") +
           (e.contains("hint") ? "\nnext: " + str(e["hint"]) : "");
  return c;
}

void add_property(std::vector<std::pair<std::string, std::string>>& out, const char* name, const std::string& value) {
  if (!value.empty()) out.emplace_back(name, value);
}

std::string context_flags(const Json& doc, const char* side) {
  const auto& c = member(doc, side);
  return c.is_object() ? words(granted_flags(c)) : std::string();
}
}  // namespace

std::vector<std::pair<std::string, std::string>> JunitReport::properties(const Json& doc) {
  std::vector<std::pair<std::string, std::string>> p;
  add_property(p, "command", str(member(doc, "command")));
  add_property(p, "peer", str(member(doc, "peer")));
  add_property(p, "connection", str(member(doc, "connection")));
  add_property(p, "established", bool_at(doc, "established", false) ? "true" : "false");
  add_property(p, "mech", mech_name(doc));
  add_property(p, "mech_oid", mech_oid(doc));
  add_property(p, "spnego", via_spnego(doc) ? "true" : "false");
  if (doc.contains("legs") && doc["legs"].is_array()) add_property(p, "legs", std::to_string(doc["legs"].size()));
  add_property(p, "source_name", str(context_fact(doc, "source_name")));
  add_property(p, "target_name", str(context_fact(doc, "target_name")));
  if (const auto e = session_enctype(doc)) add_property(p, "session_key_enctype", enctype_label(*e));
  if (const auto t = service_ticket(doc); t && t->etype) {
    add_property(p, "ticket_enctype", t->etype_name.empty() ? enctype_label(*t->etype) : t->etype_name);
    if (t->kvno) add_property(p, "ticket_kvno", std::to_string(*t->kvno));
    add_property(p, "ticket_server", t->server);
  }
  add_property(p, "initiator_flags", context_flags(doc, "initiator"));
  add_property(p, "acceptor_flags", context_flags(doc, "acceptor"));
  add_property(p, "ticket_flags", words(context_fact(doc, "ticket_flags")));
  if (const auto l = lifetime_seconds(doc)) add_property(p, "lifetime_seconds", std::to_string(*l));
  add_property(p, "expires_at", str(context_fact(doc, "expires_at")));
  if (bool_at(doc, "established", false)) add_property(p, "delegated", delegation_happened(doc) ? "true" : "false");
  const auto& err = member(doc, "error");
  if (err.is_object()) add_property(p, "error_class", str(member(err, "class")));
  return p;
}

void JunitReport::add(const Json& doc, const SuiteInfo& info) {
  std::vector<Case> cases{establishment_case(doc)};
  if (doc.contains("expectations") && doc["expectations"].is_array())
    for (const auto& e : doc["expectations"]) cases.push_back(expectation_case(e));
  int failures = 0, skipped = 0;
  for (const auto& c : cases) {
    failures += c.kind == Case::Kind::failure ? 1 : 0;
    skipped += c.kind == Case::Kind::skipped ? 1 : 0;
  }
  const double seconds = cases.front().seconds;
  std::string x = "  <testsuite" + attr("name", info.name) + attr("tests", std::to_string(cases.size())) +
                  attr("failures", std::to_string(failures)) + attr("errors", "0") +
                  attr("skipped", std::to_string(skipped)) + attr("time", seconds_text(seconds)) +
                  attr("timestamp", timestamp_text(info.timestamp)) + attr("hostname", info.hostname) + ">\n";
  x += "    <properties>\n";
  for (const auto& [name, value] : properties(doc))
    x += "      <property" + attr("name", name) + attr("value", value) + "/>\n";
  x += "    </properties>\n";
  for (const auto& c : cases) x += case_xml(c, info.classname);
  x += "    <system-out>" + xml_text(info.system_out) + "</system-out>\n";
  x += "  </testsuite>\n";
  suites_.push_back(std::move(x));
  tests_ += static_cast<int>(cases.size());
  failures_ += failures;
  skipped_ += skipped;
  seconds_ += seconds;
}

std::string JunitReport::xml() const {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites" + attr("name", "authctx") + attr("tests", std::to_string(tests_)) +
       attr("failures", std::to_string(failures_)) + attr("errors", "0") + attr("skipped", std::to_string(skipped_)) +
       attr("time", seconds_text(seconds_)) + ">\n";
  for (const auto& s : suites_) x += s;
  return x + "</testsuites>\n";
}

std::string JunitReport::unfinished(const std::string& suite_name, const std::string& classname,
                                    const std::string& why) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites" + attr("name", "authctx") + attr("tests", "1") + attr("failures", "0") + attr("errors", "1") +
       attr("skipped", "0") + attr("time", "0.000") + ">\n";
  x += "  <testsuite" + attr("name", suite_name) + attr("tests", "1") + attr("failures", "0") + attr("errors", "1") +
       attr("skipped", "0") + attr("time", "0.000") + ">\n";
  x += "    <testcase" + attr("classname", classname) + attr("name", "handshake finished") + attr("time", "0.000") +
       ">\n";
  x += "      <error" + attr("type", "not_finished") + attr("message", why) + ">" + xml_text(why) + "</error>\n";
  x += "    </testcase>\n  </testsuite>\n</testsuites>\n";
  return x;
}

}  // namespace authctx::policy
