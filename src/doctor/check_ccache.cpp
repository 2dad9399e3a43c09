// Checks: the credential cache (--ccache, KRB5CCNAME or the library default) exists and
// names a principal, and holds a ticket-granting ticket for the principal's own realm
// (krbtgt/REALM@REALM) that is unexpired (fail), valid for at least an hour (warn) and
// forwardable (warn: delegation needs it).
#include <ctime>

#include "doctor/checks.hpp"
#include "gss/flags.hpp"
#include "util/timefmt.hpp"

namespace authctx::doctor {
namespace {

constexpr std::int64_t k_expiry_warning_seconds = 3600;

std::string full_name(krb5_context ctx, krb5_ccache cc) {
  char* name = nullptr;
  if (krb5_cc_get_full_name(ctx, cc, &name) != 0) return {};
  const krb5::StringPtr owned(name, {ctx});
  return name;
}

ClassHint classify_or(krb5_error_code rc, std::string_view fallback) {
  auto c = classify_krb5(rc);
  return c.cls == "gss_failure" ? hint_for(fallback) : c;
}

std::string duration_text(std::int64_t seconds) {
  if (seconds < 0) seconds = -seconds;
  const auto h = seconds / 3600, m = (seconds % 3600) / 60;
  return h > 0 ? std::to_string(h) + " h " + std::to_string(m) + " min" : std::to_string(m) + " min";
}
}  // namespace

Check check_ccache(State& s) {
  auto c = make_check("ccache", Status::ok, "");
  krb5_context ctx = s.krb.get();
  if (ctx == nullptr) return make_check("ccache", Status::skip, "no Kerberos context (see krb5_config)");
  krb5_ccache raw = nullptr;
  const auto rc =
      s.options.ccache.empty() ? krb5_cc_default(ctx, &raw) : krb5_cc_resolve(ctx, s.options.ccache.c_str(), &raw);
  if (rc != 0) {
    c.detail = "cannot open the credential cache " + s.options.ccache + ": " + s.krb.message(rc);
    c.data = {{"name", s.options.ccache}, {"principal", nullptr}};
    set_problem(c, Status::fail, classify_or(rc, "no_credentials"));
    return c;
  }
  auto cc = std::make_unique<Ccache>(ctx, raw);
  const std::string name = full_name(ctx, raw);
  c.data = {{"name", name}, {"source", s.options.ccache.empty() ? "default" : "--ccache"}, {"principal", nullptr}};
  krb5_principal princ = nullptr;
  if (const auto prc = krb5_cc_get_principal(ctx, raw, &princ); prc != 0) {
    c.detail = "the credential cache " + name + " cannot be read: " + s.krb.message(prc);
    set_problem(c, Status::fail, classify_or(prc, "no_credentials"));
    return c;
  }
  const PrincipalPtr owned(princ, {ctx});
  s.client = unparse(ctx, princ);
  s.ccache = std::move(cc);
  c.data["principal"] = s.client;
  c.detail = "credential cache " + name + " holds tickets for " + s.client;
  return c;
}

Check check_tgt(State& s) {
  auto c = make_check("tgt", Status::ok, "");
  if (!s.ccache) return make_check("tgt", Status::skip, "no readable credential cache (see ccache)");
  krb5_context ctx = s.krb.get();
  const auto at = s.client.rfind('@');
  const std::string realm = at == std::string::npos ? s.realm : s.client.substr(at + 1);
  const std::string want = "krbtgt/" + realm + "@" + realm;
  c.data = {{"server", want}};

  krb5_cc_cursor cursor = nullptr;
  if (const auto rc = krb5_cc_start_seq_get(ctx, s.ccache->get(), &cursor); rc != 0) {
    c.detail = "cannot read the credential cache: " + s.krb.message(rc);
    set_problem(c, Status::fail, classify_or(rc, "no_credentials"));
    return c;
  }
  krb5::CredsContents creds(ctx);
  for (; krb5_cc_next_cred(ctx, s.ccache->get(), &cursor, creds.get()) == 0; creds.reset()) {
    if (!s.tgt && krb5_is_config_principal(ctx, creds->server) == 0 && unparse(ctx, creds->server) == want) {
      krb5_creds* copy = nullptr;
      if (krb5_copy_creds(ctx, creds.get(), &copy) == 0) s.tgt = CredsPtr(copy, {ctx});
    }
  }
  krb5_cc_end_seq_get(ctx, s.ccache->get(), &cursor);

  if (!s.tgt) {
    c.detail = "the credential cache holds no ticket-granting ticket " + want;
    set_problem(c, Status::fail, hint_for("no_credentials"));
    return c;
  }
  const std::int64_t end = s.tgt->times.endtime;
  const std::int64_t left = end - static_cast<std::int64_t>(std::time(nullptr));
  const bool forwardable = (s.tgt->ticket_flags & TKT_FLG_FORWARDABLE) != 0;
  c.data["expires_at"] = util::rfc3339_utc(end);
  c.data["seconds_left"] = left;
  c.data["forwardable"] = forwardable;
  c.data["flags"] = gss::ticket_flag_names(static_cast<std::uint32_t>(s.tgt->ticket_flags));
  c.data["session_enctype"] = enctype_json(s.tgt->keyblock.enctype);

  if (left <= 0) {
    c.detail = "the ticket-granting ticket " + want + " expired " + duration_text(left) + " ago";
    set_problem(c, Status::fail, hint_for("credentials_expired"));
    s.tgt.reset();  // an expired TGT cannot get service tickets
    return c;
  }
  c.detail = "ticket-granting ticket " + want + " valid for " + duration_text(left);
  if (left < k_expiry_warning_seconds) {
    c.detail += ", less than an hour";
    set_problem(c, Status::warn, hint_for("credentials_expiring"));
  }
  if (!forwardable) {
    c.detail += "; not forwardable, so it cannot be delegated";
    if (c.status == Status::ok) set_problem(c, Status::warn, hint_for("delegation_not_granted"));
  } else {
    c.detail += ", forwardable";
  }
  return c;
}

}  // namespace authctx::doctor
