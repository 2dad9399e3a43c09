#include "lab/credentials.hpp"

#include "util/errors.hpp"
#include "krb5/handles.hpp"

namespace authctx::lab {
namespace {

// A context over the lab's krb5.conf alone; krb5 failures become set-up errors (exit 5).
struct LabContext {
  explicit LabContext(const std::filesystem::path& krb5_conf) try : ctx(krb5_conf) {
  } catch (const krb5::KrbError& e) {
    throw util::setup_error("lab_credentials_failed", e.what());
  }
  krb5_context get() const { return ctx.get(); }
  // Throws with the library's text for code.
  void check(krb5_error_code code, const std::string& what) const {
    if (code == 0) return;
    throw util::setup_error("lab_credentials_failed", what + ": " + ctx.message(code),
                            "The lab's KDC did not answer as expected; see krb5kdc.log in the lab folder.");
  }
  krb5::Context ctx;
};

}  // namespace

void get_initial_tgt(const std::filesystem::path& krb5_conf, const std::string& principal, const std::string& password,
                     const std::filesystem::path& ccache) {
  LabContext ctx(krb5_conf);
  krb5_context c = ctx.get();
  krb5_principal client_raw = nullptr;
  ctx.check(krb5_parse_name(c, principal.c_str(), &client_raw), "cannot parse " + principal);
  const krb5::PrincipalPtr client(client_raw, {c});

  krb5_ccache cc_raw = nullptr;
  const std::string cc_name = "FILE:" + ccache.string();
  ctx.check(krb5_cc_resolve(c, cc_name.c_str(), &cc_raw), "cannot open ccache " + cc_name);
  const krb5::Ccache cc(c, cc_raw);

  krb5_get_init_creds_opt* opt_raw = nullptr;
  ctx.check(krb5_get_init_creds_opt_alloc(c, &opt_raw), "cannot allocate init-creds options");
  const krb5::InitCredsOptPtr opt(opt_raw, {c});
  // Like kinit: the library initialises the ccache for the client and stores the TGT plus
  // its config entries (e.g. the pre-auth type) once the exchange succeeds.
  ctx.check(krb5_get_init_creds_opt_set_out_ccache(c, opt.get(), cc.get()), "cannot set the output ccache");

  krb5::CredsContents creds(c);
  ctx.check(krb5_get_init_creds_password(c, creds.get(), client.get(), password.c_str(), nullptr, nullptr, 0, nullptr,
                                         opt.get()),
            "cannot get a ticket-granting ticket for " + principal);
}

CcacheContents read_ccache(const std::filesystem::path& krb5_conf, const std::filesystem::path& ccache) {
  LabContext ctx(krb5_conf);
  krb5_context c = ctx.get();
  krb5_ccache cc_raw = nullptr;
  const std::string cc_name = "FILE:" + ccache.string();
  ctx.check(krb5_cc_resolve(c, cc_name.c_str(), &cc_raw), "cannot open ccache " + cc_name);
  const krb5::Ccache cc(c, cc_raw);

  CcacheContents out;
  krb5_principal client_raw = nullptr;
  ctx.check(krb5_cc_get_principal(c, cc.get(), &client_raw), "cannot read ccache " + cc_name);
  const krb5::PrincipalPtr client(client_raw, {c});
  out.client = krb5::unparse(c, client.get());

  krb5_cc_cursor cursor = nullptr;
  ctx.check(krb5_cc_start_seq_get(c, cc.get(), &cursor), "cannot read ccache " + cc_name);
  krb5::CredsContents creds(c);
  while (krb5_cc_next_cred(c, cc.get(), &cursor, creds.get()) == 0) {
    if (krb5_is_config_principal(c, creds->server) == 0) {
      CcacheEntry e;
      e.server = krb5::unparse(c, creds->server);
      e.pre_authent = (creds->ticket_flags & TKT_FLG_PRE_AUTH) != 0;
      const auto start = creds->times.starttime != 0 ? creds->times.starttime : creds->times.authtime;
      e.lifetime_seconds = static_cast<long>(creds->times.endtime) - static_cast<long>(start);
      out.entries.push_back(e);
    }
    creds.reset();
  }
  krb5_cc_end_seq_get(c, cc.get(), &cursor);
  return out;
}

}  // namespace authctx::lab
