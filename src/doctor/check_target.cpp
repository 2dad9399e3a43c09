// Check: the target service. Its name is canonicalised as GSS-API would (a host-based
// service@host through krb5_sname_to_principal, which applies dns_canonicalize_hostname,
// rdns and [domain_realm]; other types through krb5_parse_name), then a service ticket is
// requested with the user's TGT (krb5_get_credentials) to learn whether the KDC knows the
// principal and which kvno and enctype it encrypts tickets with (krb5_decode_ticket reads
// the ticket's clear enc-part header, RFC 4120 §5.3). The TGT is copied into a MEMORY
// ccache first, so the request always reaches the KDC (a cached ticket could predate a
// rekey) and the user's ccache is left untouched. The KDC that answered (in a realm with
// several, or an Active Directory DC on its own address) is read from MIT's trace while the
// request runs ("Received answer (N bytes) from stream ADDRESS:PORT", sendto_kdc.c).
#include <cstdlib>

#include "doctor/checks.hpp"
#include "gss/flags.hpp"

namespace authctx::doctor {
namespace {

std::string_view type_name(gss::TargetType t) {
  switch (t) {
    case gss::TargetType::hostbased: return "hostbased";
    case gss::TargetType::principal: return "principal";
    case gss::TargetType::user: return "user";
  }
  return "hostbased";
}

krb5_error_code target_principal(krb5_context ctx, const DoctorOptions& o, krb5_principal* out) {
  if (o.target_type != gss::TargetType::hostbased) return krb5_parse_name(ctx, o.target.c_str(), out);
  // RFC 2743 §4.1: GSS_C_NT_HOSTBASED_SERVICE is "service@host"; without a host the local
  // host is meant (krb5_sname_to_principal with a null host).
  const auto at = o.target.find('@');
  const std::string service = o.target.substr(0, at);
  const std::string host = at == std::string::npos ? std::string() : o.target.substr(at + 1);
  return krb5_sname_to_principal(ctx, host.empty() ? nullptr : host.c_str(), service.c_str(), KRB5_NT_SRV_HST, out);
}

// Records the address of the last KDC answer while installed. A context has one trace
// callback, so a user's KRB5_TRACE file is set again afterwards (it misses this exchange).
class KdcAnswer {
 public:
  explicit KdcAnswer(krb5_context ctx) : ctx_(ctx) { krb5_set_trace_callback(ctx_, &KdcAnswer::on_trace, this); }
  ~KdcAnswer() {
    krb5_set_trace_callback(ctx_, nullptr, nullptr);
    if (const char* file = std::getenv("KRB5_TRACE"); file != nullptr && *file != '\0')
      krb5_set_trace_filename(ctx_, file);
  }
  KdcAnswer(const KdcAnswer&) = delete;
  KdcAnswer& operator=(const KdcAnswer&) = delete;
  const std::string& from() const { return from_; }

 private:
  static void on_trace(krb5_context, const krb5_trace_info* info, void* data) {
    if (info == nullptr || info->message == nullptr) return;
    const std::string m = info->message;
    const auto at = m.find("Received answer");
    const auto from = m.find(" from ", at == std::string::npos ? m.size() : at);
    if (at == std::string::npos || from == std::string::npos) return;
    std::string who = m.substr(from + 6);
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    for (const char* transport : {"stream ", "dgram "})
      if (who.rfind(transport, 0) == 0) who.erase(0, std::char_traits<char>::length(transport));
    static_cast<KdcAnswer*>(data)->from_ = who;
  }
  krb5_context ctx_;
  std::string from_;
};

// A MEMORY ccache holding only the TGT: the KDC is asked afresh and nothing is stored in
// the user's ccache.
krb5_error_code get_service_ticket(State& s, krb5_principal server, krb5_creds** out, std::string& answered_by) {
  krb5_context ctx = s.krb.get();
  const KdcAnswer answer(ctx);
  krb5_ccache mem = nullptr;
  if (const auto rc = krb5_cc_new_unique(ctx, "MEMORY", nullptr, &mem); rc != 0) return rc;
  auto rc = krb5_cc_initialize(ctx, mem, s.tgt->client);
  if (rc == 0) rc = krb5_cc_store_cred(ctx, mem, s.tgt.get());
  if (rc == 0) {
    krb5_creds in{};
    in.client = s.tgt->client;
    in.server = server;
    rc = krb5_get_credentials(ctx, 0, mem, &in, out);
  }
  krb5_cc_destroy(ctx, mem);  // also closes it
  answered_by = answer.from();
  return rc;
}
}  // namespace

Check check_target(State& s) {
  auto c = make_check("target", Status::ok, "");
  if (s.options.target.empty()) {
    c.status = Status::skip;
    c.detail = "no --target given";
    c.hint = "add --target service@host to check a service";
    return c;
  }
  krb5_context ctx = s.krb.get();
  c.data = {{"requested", s.options.target}, {"type", type_name(s.options.target_type)}, {"principal", nullptr}};
  if (ctx == nullptr) return make_check("target", Status::skip, "no Kerberos context (see krb5_config)");
  krb5_principal raw = nullptr;
  if (const auto rc = target_principal(ctx, s.options, &raw); rc != 0) {
    c.detail = "cannot make a Kerberos principal of " + s.options.target + ": " + s.krb.message(rc);
    set_problem(c, Status::fail, hint_for("service_principal_unknown"));
    return c;
  }
  const PrincipalPtr server(raw, {ctx});
  const std::string canonical = unparse(ctx, server.get());
  c.data["principal"] = canonical;
  if (!s.tgt || !s.any_kdc_reachable()) {
    c.status = Status::skip;
    c.detail = s.options.target + " is " + canonical + "; not asked of the KDC: " +
               (!s.tgt ? "no usable ticket-granting ticket (see tgt)" : "no KDC answered (see kdc_reachable)");
    return c;
  }

  krb5_creds* out = nullptr;
  std::string answered_by;
  const auto tgs_rc = get_service_ticket(s, server.get(), &out, answered_by);
  c.data["kdc"] = answered_by.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(answered_by);
  if (tgs_rc != 0) {
    c.detail = "the KDC gave no ticket for " + canonical + ": " + s.krb.message(tgs_rc);
    c.data["kdc_error"] = s.krb.message(tgs_rc);
    set_problem(c, Status::fail, classify_krb5(tgs_rc));
    if (c.cls == "gss_failure") set_problem(c, Status::fail, hint_for("service_principal_unknown"));
    return c;
  }
  s.service_creds = CredsPtr(out, {ctx});
  krb5_ticket* tkt = nullptr;
  if (const auto rc = krb5_decode_ticket(&out->ticket, &tkt); rc != 0) {
    c.detail = "the KDC issued a ticket for " + canonical + " that cannot be decoded: " + s.krb.message(rc);
    set_problem(c, Status::fail, classify_krb5(rc));
    return c;
  }
  s.service_ticket = TicketPtr(tkt, {ctx});
  const auto kvno = tkt->enc_part.kvno;
  const auto enctype = tkt->enc_part.enctype;
  const std::string issued = unparse(ctx, out->server);
  c.data["issued_for"] = issued;
  c.data["kvno"] = kvno;
  c.data["ticket_enctype"] = enctype_json(enctype);
  c.data["session_enctype"] = enctype_json(out->keyblock.enctype);
  c.data["flags"] = gss::ticket_flag_names(static_cast<std::uint32_t>(out->ticket_flags));
  c.detail = "the KDC knows " + issued + " and issues tickets with kvno " + std::to_string(kvno) + ", " +
             enctype_json(enctype)["name"].get<std::string>();
  if (issued != canonical) c.detail += " (asked for " + canonical + ")";
  if (!answered_by.empty()) c.detail += " (answered by " + answered_by + ")";
  if (weak_enctype(enctype) || weak_enctype(out->keyblock.enctype)) {
    c.detail += "; the enctype is weak";
    set_problem(c, Status::warn, hint_for("weak_enctype"));
  }
  return c;
}

}  // namespace authctx::doctor
