// Text views of decode, lab, mechs and doctor documents (see docs.hpp).
#include "text/docs.hpp"

#include <algorithm>

namespace authctx::text {
namespace {

bool has(const Json& j, const char* key) { return j.is_object() && j.contains(key) && !j[key].is_null(); }

std::string title(const Json& doc, const Style& st) { return st.bold("authctx " + field(doc, "command")); }

// Decoding problems anywhere in a decoded tree: unknown tokens with their reason and
// diagnostics with their offsets. The tree comes from the decoder, whose depth is bounded;
// this walk is bounded too.
void decode_problems(std::ostream& o, const Json& j, const Style& st, int depth = 0) {
  if (depth > 64) return;
  if (j.is_object()) {
    if (has(j, "type") && j["type"] == "unknown" && has(j, "reason"))
      o << "   " << st.warn("! " + field(j, "reason")) << "\n";
    if (has(j, "diagnostics"))
      for (const auto& d : j["diagnostics"])
        o << "   " << st.warn("! offset " + field(d, "offset") + ": " + field(d, "message")) << "\n";
    for (const auto& [k, v] : j.items())
      if (k != "diagnostics") decode_problems(o, v, st, depth + 1);
  } else if (j.is_array()) {
    for (const auto& v : j) decode_problems(o, v, st, depth + 1);
  }
}

void token_block(std::ostream& o, const Json& t, std::size_t n, const TextOptions& opt, const Style& st) {
  o << "\n" << st.bold(std::to_string(n) + ". " + field(t, "source"));
  o << "  " << field(t, "length") << " B";
  if (has(t, "form")) o << " (" << field(t, "form") << ")";
  o << "\n   " << summarize_token(t.value("decoded", Json())) << "\n";
  if (has(t, "error"))
    o << "   " << st.bad("error: " + (has(t["error"], "message") ? field(t["error"], "message") : str(t["error"])))
      << "\n";
  decrypted_lines(o, t.value("decoded", Json()), st);
  // Decoding problems are the point of decoding a suspicious token: always shown, with offsets.
  decode_problems(o, t.value("decoded", Json()), st);
  if (opt.verbose && has(t, "decoded")) o << outline(t["decoded"], "     ");
}

std::string decode_view(const Json& doc, const TextOptions& opt, const Style& st) {
  std::ostringstream o;
  const auto& tokens = doc["tokens"];
  const bool clean = !has(doc, "error");
  o << title(doc, st) << "  " << tokens.size() << (tokens.size() == 1 ? " token" : " tokens") << "  "
    << (clean ? st.good("✔ decoded") : st.bad("✘ not fully decodable"));
  if (has(doc, "decryption")) {
    const auto& d = doc["decryption"];
    const auto opened = d.value("opened", 0);
    const auto failed = d.value("failed", 0);
    o << "  opened " << opened << " of " << opened + failed << " encrypted parts";
  }
  o << "\n";
  std::size_t n = 0;
  for (const auto& t : tokens) token_block(o, t, ++n, opt, st);
  error_block(o, doc.value("error", Json()), st);
  return o.str();
}

std::string lab_up_view(const Json& doc, const Style& st) {
  std::ostringstream o;
  o << title(doc, st) << "  " << st.good("✔ realm " + field(doc, "realm")) << "\n";
  o << "  dir       " << field(doc, "dir") << "\n";
  if (has(doc, "kdc"))
    o << "  kdc       " << field(doc["kdc"], "address") << ":" << field(doc["kdc"], "port") << " (pid "
      << field(doc["kdc"], "pid") << ")\n";
  if (has(doc, "user"))
    o << "  user      " << field(doc["user"], "name") << "  password " << field(doc["user"], "password") << "\n";
  if (has(doc, "services")) o << "  services  " << join(doc["services"]) << "\n";
  if (has(doc, "paths")) {
    o << "\n" << st.heading("Files") << "\n";
    for (const auto& [k, v] : doc["paths"].items()) o << "  " << pad(str(k), 16) << str(v) << "\n";
  }
  if (has(doc, "env")) {
    o << "\n"
      << st.heading("Environment") << st.dim("  (eval \"$(authctx lab env --dir " + field(doc, "dir") + ")\")") << "\n";
    for (const auto& [k, v] : doc["env"].items()) o << "  export " << str(k) << "='" << str(v) << "'\n";
  }
  return o.str();
}

std::string lab_down_view(const Json& doc, const Style& st) {
  std::ostringstream o;
  o << title(doc, st) << "  " << st.good("✔ removed " + field(doc, "dir")) << "\n";
  if (has(doc, "kdc"))
    o << "  kdc pid " << field(doc["kdc"], "pid")
      << (doc["kdc"].value("was_running", false) ? " stopped" : " was not running") << "\n";
  return o.str();
}

std::string mechs_view(const Json& doc, const Style& st) {
  std::ostringstream o;
  const auto& mechs = doc["mechs"];
  o << title(doc, st) << "  " << mechs.size() << " mechanisms\n\n";
  o << "  " << st.bold(pad("name", 9) + pad("oid", 24) + pad("sasl", 12) + "initiator creds") << "\n";
  for (const auto& m : mechs) {
    const bool creds = m.value("initiator_credentials", false);
    o << "  " << pad(field(m, "name"), 9) << pad(field(m, "oid"), 24) << pad(field(m, "sasl_name"), 12)
      << (creds ? st.good("✔ yes") : st.warn("✘ no")) << "\n";
    if (has(m, "description")) o << "  " << pad("", 9) << st.dim(field(m, "description")) << "\n";
    if (!creds && has(m, "credentials_error")) o << "  " << pad("", 9) << field(m, "credentials_error") << "\n";
  }
  return o.str();
}

std::string doctor_view(const Json& doc, const TextOptions& opt, const Style& st) {
  std::ostringstream o;
  const bool ok = doc.value("ok", !has(doc, "error"));
  o << title(doc, st) << "  " << (ok ? st.good("✔ no failures") : st.bad("✘ problems found"));
  if (has(doc, "summary"))
    o << "  (" << field(doc["summary"], "ok") << " ok, " << field(doc["summary"], "warn") << " warn, "
      << field(doc["summary"], "fail") << " fail, " << field(doc["summary"], "skip") << " skipped)";
  o << "\n\n";
  for (const auto& c : doc["checks"]) {
    const auto status = field(c, "status");
    const std::string mark = status == "ok"     ? st.good("✔ ok  ")
                             : status == "warn" ? st.warn("! warn")
                             : status == "fail" ? st.bad("✘ fail")
                                                : st.dim("- skip");
    o << "  " << mark << "  " << pad(field(c, "check"), 14) << field(c, "detail") << "\n";
    if (has(c, "class")) o << "          " << pad("", 14) << "class " << field(c, "class") << "\n";
    if (has(c, "hint") && status != "ok")
      o << "          " << pad("", 14) << st.warn("next: ") << field(c, "hint") << "\n";
    if (opt.verbose && has(c, "data") && !c["data"].empty()) o << outline(c["data"], "                          ");
  }
  error_block(o, doc.value("error", Json()), st);
  return o.str();
}
}  // namespace

namespace {
std::string fixed2(const Json& v) {
  if (!v.is_number()) return "-";
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(2);
  o << v.get<double>();
  return o.str();
}

std::string right(const std::string& v, std::size_t width) {
  return std::string(v.size() < width ? width - v.size() : 1, ' ') + v;
}

// A load run's phases (man authctx(1), LOAD RUNS): a row each, in milliseconds.
void phases_block(std::ostringstream& o, const Json& phases) {
  if (!phases.is_object()) return;
  std::size_t width = 8;  // the names' column: "application" (LDAP) needs more
  for (const auto& [name, p] : phases.items())
    if (p.is_object()) width = std::max(width, name.size());
  bool any = false;
  for (const auto& [name, p] : phases.items()) {
    if (!p.is_object()) continue;
    if (!any) {
      o << "  " << pad("phase", width) << right("count", 7);
      for (const char* h : {"p50", "p95", "p99", "max"}) o << right(h, 9);
      o << "  (ms)\n";
    }
    any = true;
    o << "  " << pad(name, width) << right(field(p, "count"), 7);
    for (const char* k : {"p50_ms", "p95_ms", "p99_ms", "max_ms"}) o << right(fixed2(p.value(k, Json())), 9);
    o << "\n";
  }
}
}  // namespace

void summary_block(std::ostringstream& o, const Json& s, const Style& st, const Json& outcomes) {
  o << "\n" << st.heading("Summary") << "\n";
  o << "  runs " << field(s, "runs") << ": " << st.good(field(s, "established") + " established") << ", "
    << (s.value("failed", 0) > 0 ? st.bad(field(s, "failed") + " failed") : field(s, "failed") + " failed");
  if (has(s, "concurrency"))
    o << "  (concurrency " << field(s, "concurrency") << ", ended by " << field(s, "stopped_by") << ")";
  o << "\n";
  const auto ms = [&](const char* k) { return fixed2(s.value(k, Json())); };
  o << "  ms   min " << ms("min_ms") << "  median " << ms("median_ms") << "  p95 " << ms("p95_ms");
  if (has(s, "p99_ms")) o << "  p99 " << ms("p99_ms");
  o << "  max " << ms("max_ms") << "\n";
  if (has(s, "handshakes_per_second")) o << "  rate " << ms("handshakes_per_second") << " handshakes/s";
  if (s.contains("kdc_requests"))
    o << "  KDC requests " << (s["kdc_requests"].is_null() ? std::string("unknown") : field(s, "kdc_requests"));
  o << "\n";
  if (outcomes.is_object() && s.value("failed", 0) > 0) {
    o << "  outcomes";
    for (const auto& [cls, n] : outcomes.items()) o << "  " << cls << " " << str(n);
    o << "\n";
  }
  phases_block(o, s.value("phases", Json()));
}

std::optional<std::string> render_other(const Json& doc, const TextOptions& options) {
  const Style st{options.color};
  const auto command = field(doc, "command");
  if (command == "decode" && has(doc, "tokens")) return decode_view(doc, options, st);
  if (command == "lab up" && has(doc, "realm")) return lab_up_view(doc, st);
  if (command == "lab down" && has(doc, "removed")) return lab_down_view(doc, st);
  if (command == "mechs" && has(doc, "mechs")) return mechs_view(doc, st);
  if (command == "doctor" && has(doc, "checks")) return doctor_view(doc, options, st);
  for (const char* key : {"legs", "initiator", "acceptor", "error", "summary", "established"})
    if (doc.contains(key)) return std::nullopt;
  // Anything else (a document kind this view does not know yet) as an outline.
  return title(doc, st) + "\n" + outline(doc, "  ");
}

}  // namespace authctx::text
