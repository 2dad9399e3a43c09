#include "lab/credentials.hpp"

#include <krb5.h>
#include <profile.h>

#include <memory>

#include "core/errors.hpp"

namespace authctx::lab {
namespace {

// One krb5 context over one profile file, released on scope exit.
class Context {
 public:
  explicit Context(const std::filesystem::path& krb5_conf) {
    const std::string files = krb5_conf.string();
    profile_t profile = nullptr;
    if (const long rc = profile_init_path(files.c_str(), &profile); rc != 0 || profile == nullptr) {
      throw core::setup_error("lab_credentials_failed", "cannot read " + files + " (profile error " +
                                                            std::to_string(rc) + ")");
    }
    // krb5_init_context_profile copies what it needs; KRB5_INIT_CONTEXT_SECURE keeps the
    // library from consulting environment variables (KRB5_CONFIG, KRB5CCNAME, ...).
    const krb5_error_code rc = krb5_init_context_profile(profile, KRB5_INIT_CONTEXT_SECURE, &ctx_);
    profile_release(profile);
    if (rc != 0) throw core::setup_error("lab_credentials_failed", "cannot create a krb5 context for " + files);
  }
  ~Context() {
    if (ctx_ != nullptr) krb5_free_context(ctx_);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  krb5_context get() const { return ctx_; }

  // Throws with the library's text for code.
  [[noreturn]] void fail(krb5_error_code code, const std::string& what) const {
    const char* msg = krb5_get_error_message(ctx_, code);
    std::string text = msg != nullptr ? msg : "unknown error";
    krb5_free_error_message(ctx_, msg);
    throw core::setup_error("lab_credentials_failed", what + ": " + text,
                            "The lab's KDC did not answer as expected; see krb5kdc.log in the lab folder.");
  }

 private:
  krb5_context ctx_ = nullptr;
};

template <class T, class F>
auto guard(krb5_context ctx, T* ptr, F free_fn) {
  auto del = [ctx, free_fn](T* p) {
    if (p != nullptr) free_fn(ctx, p);
  };
  return std::unique_ptr<T, decltype(del)>(ptr, del);
}

std::string unparse(krb5_context ctx, krb5_const_principal p) {
  char* name = nullptr;
  if (krb5_unparse_name(ctx, p, &name) != 0) return {};
  std::string out = name;
  krb5_free_unparsed_name(ctx, name);
  return out;
}

}  // namespace

void get_initial_tgt(const std::filesystem::path& krb5_conf, const std::string& principal, const std::string& password,
                     const std::filesystem::path& ccache) {
  Context ctx(krb5_conf);
  krb5_context c = ctx.get();
  krb5_principal client_raw = nullptr;
  if (auto rc = krb5_parse_name(c, principal.c_str(), &client_raw)) ctx.fail(rc, "cannot parse " + principal);
  auto client = guard(c, client_raw, krb5_free_principal);

  krb5_ccache cc_raw = nullptr;
  const std::string cc_name = "FILE:" + ccache.string();
  if (auto rc = krb5_cc_resolve(c, cc_name.c_str(), &cc_raw)) ctx.fail(rc, "cannot open ccache " + cc_name);
  auto cc = guard(c, cc_raw, [](krb5_context k, krb5_ccache p) { krb5_cc_close(k, p); });

  krb5_get_init_creds_opt* opt_raw = nullptr;
  if (auto rc = krb5_get_init_creds_opt_alloc(c, &opt_raw)) ctx.fail(rc, "cannot allocate init-creds options");
  auto opt = guard(c, opt_raw, krb5_get_init_creds_opt_free);
  // Like kinit: the library initialises the ccache for the client and stores the TGT plus
  // its config entries (e.g. the pre-auth type) once the exchange succeeds.
  if (auto rc = krb5_get_init_creds_opt_set_out_ccache(c, opt.get(), cc.get()))
    ctx.fail(rc, "cannot set the output ccache");

  krb5_creds creds{};
  const auto rc = krb5_get_init_creds_password(c, &creds, client.get(), password.c_str(), nullptr, nullptr, 0,
                                               nullptr, opt.get());
  if (rc != 0) ctx.fail(rc, "cannot get a ticket-granting ticket for " + principal);
  krb5_free_cred_contents(c, &creds);
}

CcacheContents read_ccache(const std::filesystem::path& krb5_conf, const std::filesystem::path& ccache) {
  Context ctx(krb5_conf);
  krb5_context c = ctx.get();
  krb5_ccache cc_raw = nullptr;
  const std::string cc_name = "FILE:" + ccache.string();
  if (auto rc = krb5_cc_resolve(c, cc_name.c_str(), &cc_raw)) ctx.fail(rc, "cannot open ccache " + cc_name);
  auto cc = guard(c, cc_raw, [](krb5_context k, krb5_ccache p) { krb5_cc_close(k, p); });

  CcacheContents out;
  krb5_principal client_raw = nullptr;
  if (auto rc = krb5_cc_get_principal(c, cc.get(), &client_raw)) ctx.fail(rc, "cannot read ccache " + cc_name);
  auto client = guard(c, client_raw, krb5_free_principal);
  out.client = unparse(c, client.get());

  krb5_cc_cursor cursor = nullptr;
  if (auto rc = krb5_cc_start_seq_get(c, cc.get(), &cursor)) ctx.fail(rc, "cannot read ccache " + cc_name);
  krb5_creds creds{};
  while (krb5_cc_next_cred(c, cc.get(), &cursor, &creds) == 0) {
    if (krb5_is_config_principal(c, creds.server) == 0) {
      CcacheEntry e;
      e.server = unparse(c, creds.server);
      e.pre_authent = (creds.ticket_flags & TKT_FLG_PRE_AUTH) != 0;
      const auto start = creds.times.starttime != 0 ? creds.times.starttime : creds.times.authtime;
      e.lifetime_seconds = static_cast<long>(creds.times.endtime) - static_cast<long>(start);
      out.entries.push_back(e);
    }
    krb5_free_cred_contents(c, &creds);
  }
  krb5_cc_end_seq_get(c, cc.get(), &cursor);
  return out;
}

}  // namespace authctx::lab
