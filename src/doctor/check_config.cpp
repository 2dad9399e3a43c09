// Checks: which krb5.conf the library reads, its default realm, and whether each KDC the
// realm lists accepts a TCP connection (bounded by k_connect_timeout; UDP is not probed,
// since an unanswered datagram proves nothing quickly).
#include <profile.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "doctor/checks.hpp"

namespace authctx::doctor {
namespace {

// MIT's built-in profile path on Debian (DEFAULT_PROFILE_PATH) when KRB5_CONFIG is unset.
constexpr const char* k_default_config = "/etc/krb5.conf";

std::vector<std::string> split_colons(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ':'))
    if (!part.empty()) out.push_back(part);
  return out;
}

// krb5.conf kdc values: "host", "host:port", "[v6]:port", optionally prefixed "tcp/" or
// "udp/" (MIT 1.13+), or an MS-KKDCP https URL (which a TCP probe cannot test).
std::optional<net::Endpoint> parse_kdc(std::string v) {
  if (v.rfind("http", 0) == 0) return std::nullopt;
  if (v.rfind("tcp/", 0) == 0 || v.rfind("udp/", 0) == 0) v = v.substr(4);
  net::Endpoint ep;
  ep.port = 88;
  std::string port;
  if (!v.empty() && v[0] == '[') {
    const auto close = v.find(']');
    if (close == std::string::npos) return std::nullopt;
    ep.host = v.substr(1, close - 1);
    if (close + 1 < v.size() && v[close + 1] == ':') port = v.substr(close + 2);
  } else if (const auto colon = v.find(':');
             colon != std::string::npos && v.find(':', colon + 1) == std::string::npos) {
    ep.host = v.substr(0, colon);
    port = v.substr(colon + 1);
  } else {
    ep.host = v;
  }
  if (!port.empty()) {
    char* end = nullptr;
    const long p = std::strtol(port.c_str(), &end, 10);
    if (*end != '\0' || p <= 0 || p > 65535) return std::nullopt;
    ep.port = static_cast<std::uint16_t>(p);
  }
  if (ep.host.empty()) return std::nullopt;
  return ep;
}

std::vector<std::string> profile_values(krb5_context ctx, const std::vector<const char*>& path) {
  std::vector<std::string> out;
  profile_t profile = nullptr;
  if (krb5_get_profile(ctx, &profile) != 0) return out;
  std::vector<const char*> names = path;
  names.push_back(nullptr);
  char** values = nullptr;
  if (profile_get_values(profile, names.data(), &values) == 0 && values != nullptr) {
    for (char** v = values; *v != nullptr; ++v) out.emplace_back(*v);
    profile_free_list(values);
  }
  profile_release(profile);
  return out;
}

bool dns_lookup_kdc(krb5_context ctx) {
  profile_t profile = nullptr;
  if (krb5_get_profile(ctx, &profile) != 0) return true;
  int value = 1;  // MIT's default
  profile_get_boolean(profile, "libdefaults", "dns_lookup_kdc", nullptr, 1, &value);
  profile_release(profile);
  return value != 0;
}
}  // namespace

Check check_krb5_config(State& s) {
  const char* env = std::getenv("KRB5_CONFIG");
  const std::string paths = env != nullptr ? env : k_default_config;
  auto files = nlohmann::ordered_json::array();
  std::string existing;
  for (const auto& p : split_colons(paths)) {
    std::error_code ec;
    const bool exists = std::filesystem::is_regular_file(p, ec);
    files.push_back({{"path", p}, {"exists", exists}});
    if (exists && existing.empty()) existing = p;
  }
  auto c = make_check("krb5_config", Status::ok, "");
  c.data = {{"source", env != nullptr ? "KRB5_CONFIG" : "default"}, {"files", files}};
  if (s.krb.init_error() != 0) {
    c.detail =
        "the Kerberos library cannot load its configuration (" + paths + "): " + s.krb.message(s.krb.init_error());
    set_problem(c, Status::fail, hint_for("config_unreadable"));
  } else if (existing.empty()) {
    c.detail = "no configuration file exists (" + paths + "): the library runs on built-in defaults";
    set_problem(c, Status::warn, hint_for("realm_unknown"));
  } else {
    c.detail = "using " + existing + (env != nullptr ? " (from KRB5_CONFIG)" : " (the default)");
  }
  return c;
}

Check check_default_realm(State& s) {
  auto c = make_check("default_realm", Status::ok, "");
  if (s.krb.get() == nullptr) {
    c.status = Status::skip;
    c.detail = "no Kerberos context (see krb5_config)";
    return c;
  }
  char* realm = nullptr;
  if (const auto rc = krb5_get_default_realm(s.krb.get(), &realm); rc != 0) {
    c.detail = "no default realm: " + s.krb.message(rc);
    set_problem(c, Status::fail, hint_for("realm_unknown"));
    c.data = {{"realm", nullptr}};
    return c;
  }
  const krb5::DefaultRealmPtr owned(realm, {s.krb.get()});
  s.realm = realm;
  c.detail = "default realm " + s.realm;
  c.data = {{"realm", s.realm}};
  return c;
}

std::vector<Check> check_kdcs(State& s) {
  std::vector<Check> out;
  if (s.realm.empty()) {
    out.push_back(make_check("kdc_reachable", Status::skip, "no default realm, so no KDCs to try"));
    return out;
  }
  for (const auto& v : profile_values(s.krb.get(), {"realms", s.realm.c_str(), "kdc"}))
    s.kdcs.push_back({v, parse_kdc(v), false});
  if (s.kdcs.empty()) {
    auto c = make_check("kdc_reachable", Status::fail, "krb5.conf lists no kdc for realm " + s.realm);
    if (dns_lookup_kdc(s.krb.get())) {
      c.detail += "; the library would look up DNS SRV records, which the doctor does not test";
      set_problem(c, Status::warn, hint_for("kdc_unreachable"));
    } else {
      set_problem(c, Status::fail, hint_for("realm_unknown"));
    }
    out.push_back(std::move(c));
    return out;
  }
  for (auto& k : s.kdcs) {
    auto c = make_check("kdc_reachable", Status::ok, "");
    c.data = {{"realm", s.realm}, {"kdc", k.entry}};
    if (!k.endpoint) {
      c.status = Status::skip;
      c.detail = "KDC " + k.entry + " is not a host[:port] address the doctor can probe";
      out.push_back(std::move(c));
      continue;
    }
    c.data["address"] = k.endpoint->host;
    c.data["port"] = k.endpoint->port;
    const auto start = net::Clock::now();
    try {
      auto sock = net::connect_to(*k.endpoint, k_connect_timeout);
      k.reachable = true;
      const auto ms = std::chrono::duration<double, std::milli>(net::Clock::now() - start).count();
      c.data["connect_ms"] = ms;
      c.detail = "KDC " + k.endpoint->text() + " accepts TCP connections";
    } catch (const std::exception& e) {
      c.data["connect_ms"] = nullptr;
      c.data["error"] = e.what();
      c.detail = "KDC " + k.endpoint->text() + " does not accept TCP connections: " + e.what();
      set_problem(c, Status::fail, hint_for("kdc_unreachable"));
    }
    out.push_back(std::move(c));
  }
  // One KDC down while another answers still lets everything work: a warning, not a failure.
  if (s.any_kdc_reachable())
    for (auto& c : out)
      if (c.status == Status::fail) c.status = Status::warn;
  return out;
}

}  // namespace authctx::doctor
