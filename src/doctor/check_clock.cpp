// Check: the clock offset between this host and the KDC. A KRB-ERROR carries the KDC's
// time (stime, susec; RFC 4120 §5.9.1), and an AS-REQ without pre-authentication for a
// principal that requires it is answered with KDC_ERR_PREAUTH_REQUIRED, so the doctor
// builds that AS-REQ with krb5_init_creds_step (the library's own encoder; no password is
// needed for the first request), sends it over TCP itself (RFC 4120 §7.2.2 framing: a
// 4-byte big-endian length) within k_exchange_timeout, and reads the reply with
// krb5_rd_error. The offset is the KDC's time minus the midpoint of send and receive.
// A principal without pre-auth gets an AS-REP instead (no plain server time); then an
// unknown probe principal is asked, which the KDC answers with C_PRINCIPAL_UNKNOWN.
// Thresholds: warn above 60 s, fail above 300 s (MIT's default clockskew).
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "decode/tables.hpp"
#include "doctor/checks.hpp"

namespace authctx::doctor {
namespace {

constexpr double k_warn_seconds = 60;
constexpr double k_fail_seconds = 300;
constexpr std::uint32_t k_max_reply = 1 << 20;

double wall_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

// The first AS-REQ the library would send for client (no pre-auth data yet).
std::optional<std::vector<std::uint8_t>> build_as_req(krb5_context ctx, krb5_principal client, std::string& error) {
  krb5_init_creds_context raw = nullptr;
  if (const auto rc = krb5_init_creds_init(ctx, client, nullptr, nullptr, 0, nullptr, &raw); rc != 0) {
    error = "krb5_init_creds_init failed (" + std::to_string(rc) + ")";
    return std::nullopt;
  }
  const krb5::InitCredsContextPtr icc(raw, {ctx});
  krb5_data in{};
  krb5::DataContents out(ctx);
  krb5::DataContents realm(ctx);
  unsigned int flags = 0;
  const auto rc = krb5_init_creds_step(ctx, icc.get(), &in, out.get(), realm.get(), &flags);
  std::optional<std::vector<std::uint8_t>> req;
  if (rc == 0 && out->length > 0) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(out->data);
    req.emplace(p, p + out->length);
  } else {
    const krb5::MessagePtr msg(krb5_get_error_message(ctx, rc), {ctx});
    error = std::string("cannot build an AS-REQ: ") + (msg != nullptr ? msg.get() : "");
  }
  return req;
}

// One request/reply exchange over TCP, bounded by k_exchange_timeout overall.
std::vector<std::uint8_t> exchange(const net::Endpoint& ep, const std::vector<std::uint8_t>& req) {
  const auto deadline = net::Clock::now() + k_exchange_timeout;
  auto sock = net::connect_to(ep, k_connect_timeout);
  std::vector<std::uint8_t> frame(4 + req.size());
  const auto n = static_cast<std::uint32_t>(req.size());
  frame[0] = static_cast<std::uint8_t>(n >> 24);
  frame[1] = static_cast<std::uint8_t>(n >> 16);
  frame[2] = static_cast<std::uint8_t>(n >> 8);
  frame[3] = static_cast<std::uint8_t>(n);
  std::copy(req.begin(), req.end(), frame.begin() + 4);
  sock.write_all(frame, deadline);
  std::array<std::uint8_t, 4> len{};
  sock.read_exact(len, deadline);
  const std::uint32_t size = (std::uint32_t{len[0]} << 24) | (std::uint32_t{len[1]} << 16) |
                             (std::uint32_t{len[2]} << 8) | std::uint32_t{len[3]};
  if (size == 0 || size > k_max_reply) throw std::runtime_error("the KDC's reply has an implausible length");
  std::vector<std::uint8_t> reply(size);
  sock.read_exact(reply, deadline);
  return reply;
}

struct Probe {
  double offset = 0;
  double round_trip_ms = 0;
  std::int64_t kdc_time = 0;
  std::int32_t error_code = 0;
};

// Asks the KDC at ep about client; nullopt (with why) when no KRB-ERROR came back.
std::optional<Probe> probe(krb5_context ctx, const net::Endpoint& ep, const std::string& client, std::string& why) {
  krb5_principal princ = nullptr;
  if (krb5_parse_name(ctx, client.c_str(), &princ) != 0) {
    why = "cannot parse " + client;
    return std::nullopt;
  }
  const PrincipalPtr owner(princ, {ctx});
  const auto req = build_as_req(ctx, princ, why);
  if (!req) return std::nullopt;
  const double sent = wall_now();
  const auto reply = exchange(ep, *req);
  const double received = wall_now();
  krb5_data data{};
  data.length = static_cast<unsigned int>(reply.size());
  data.data = const_cast<char*>(reinterpret_cast<const char*>(reply.data()));
  krb5_error* raw = nullptr;
  if (krb5_rd_error(ctx, &data, &raw) != 0) {
    why = "the KDC answered " + client + " without an error (no pre-authentication required)";
    return std::nullopt;
  }
  const krb5::ErrorPtr err(raw, {ctx});
  Probe p;
  p.kdc_time = err->stime;
  p.offset = (static_cast<double>(err->stime) + err->susec / 1e6) - (sent + received) / 2;
  p.round_trip_ms = (received - sent) * 1000;
  p.error_code = static_cast<std::int32_t>(err->error);
  return p;
}
}  // namespace

Check check_clock_offset(State& s) {
  auto c = make_check("clock_offset", Status::ok, "");
  const KdcEntry* kdc = nullptr;
  for (const auto& k : s.kdcs)
    if (k.reachable && kdc == nullptr) kdc = &k;
  if (kdc == nullptr) return make_check("clock_offset", Status::skip, "no KDC answered, so its time is unknown");

  std::vector<std::string> clients;
  if (!s.client.empty()) clients.push_back(s.client);
  clients.push_back("authctx-doctor-probe@" + s.realm);
  std::optional<Probe> p;
  std::string why;
  try {
    for (const auto& client : clients)
      if ((p = probe(s.krb.get(), *kdc->endpoint, client, why))) break;
  } catch (const std::exception& e) {
    why = std::string("the KDC exchange failed: ") + e.what();
  }
  c.data = {{"kdc", kdc->endpoint->text()}};
  if (!p) {
    c.status = Status::skip;
    c.detail = "could not learn the KDC's time: " + why;
    return c;
  }
  const auto name = decode::lookup_name(decode::krb_error_table(), p->error_code);
  char offset_text[32];
  std::snprintf(offset_text, sizeof offset_text, "%+.1f", p->offset);
  c.data["offset_seconds"] = std::round(p->offset * 1000) / 1000;
  c.data["kdc_time"] = p->kdc_time;
  c.data["round_trip_ms"] = std::round(p->round_trip_ms * 1000) / 1000;
  c.data["kdc_error"] = {{"code", p->error_code},
                         {"name", name.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(name)}};
  c.data["warn_above_seconds"] = k_warn_seconds;
  c.data["fail_above_seconds"] = k_fail_seconds;
  c.detail = std::string("the KDC's clock is ") + offset_text + " s from this host's";
  const double abs = std::fabs(p->offset);
  if (abs > k_fail_seconds) {
    c.detail += ", beyond the 300 s Kerberos allows";
    set_problem(c, Status::fail, hint_for("clock_skew"));
  } else if (abs > k_warn_seconds) {
    c.detail += ", more than a minute";
    set_problem(c, Status::warn, hint_for("clock_skew"));
  }
  return c;
}

}  // namespace authctx::doctor
