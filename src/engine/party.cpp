#include "engine/party.hpp"

#include <sys/stat.h>

#include "gss/inquire.hpp"
#include "util/errors.hpp"
#include "util/process.hpp"
#include "util/timefmt.hpp"

namespace authctx::engine {

Initiator::Initiator(const InitiatorOptions& options, const InitiatorCredential* shared) : options_(options) {
  if (shared != nullptr) {
    target_ = &shared->target();
    cred_ = shared->get();
    if (cred_ != nullptr) return;
  } else {
    own_target_ = gss::Name::import(options_.target, gss::name_type(options_.target_type));
  }
  if (!options_.client_keytab.empty()) check_keytab_readable(options_.client_keytab, "--client-keytab");
  const gss::Oid mechs[] = {options_.mech};
  if (options_.password) {
    const auto user = gss::Name::import(options_.user, GSS_C_NT_USER_NAME);
    own_cred_ = gss::Cred::acquire_with_password(user, *options_.password, gss::CredUsage::initiate, mechs);
  } else if (!options_.ccache.empty() || !options_.client_keytab.empty() || !options_.user.empty() ||
             !options_.neg_mechs.empty()) {
    std::map<std::string, std::string> store;
    if (!options_.ccache.empty()) store["ccache"] = options_.ccache;
    if (!options_.client_keytab.empty()) store["client_keytab"] = options_.client_keytab;
    gss::Name user;
    if (!options_.user.empty()) user = gss::Name::import(options_.user, GSS_C_NT_USER_NAME);
    own_cred_ = gss::Cred::acquire_from(user ? &user : nullptr, gss::CredUsage::initiate, mechs, store);
  }
  if (!options_.neg_mechs.empty() && own_cred_) own_cred_.set_neg_mechs(options_.neg_mechs);
  if (options_.suppress_ci_flags) {
    // The option lives on a credential: take the default one explicitly when none was made.
    if (!own_cred_) own_cred_ = gss::Cred::acquire_from(nullptr, gss::CredUsage::initiate, mechs, {});
    own_cred_.suppress_ci_flags();
  }
  if (own_cred_) cred_ = &own_cred_;
}

gss::StepResult Initiator::step(std::span<const std::uint8_t> input) {
  gss::InitParams params;
  params.cred = cred_;
  params.target = target_;
  params.mech = options_.mech;
  params.req_flags = options_.req_flags;
  params.bindings = options_.channel_bindings ? &*options_.channel_bindings : nullptr;
  auto r = ctx_.step(input, params);
  complete_ = r.complete;
  return r;
}

report::ContextView Initiator::view() {
  return report::ContextView{gss::inquire_context(ctx_.handle(), nullptr), options_.req_flags, std::nullopt};
}

namespace {
gss::Name acceptor_name(const AcceptorOptions& options) {
  if (options.acceptor_name.empty()) return {};
  // "service@host" is host-based; anything with a '/' is a Kerberos principal name.
  const bool principal = options.acceptor_name.find('/') != std::string::npos;
  return gss::Name::import(options.acceptor_name, principal ? GSS_KRB5_NT_PRINCIPAL_NAME : GSS_C_NT_HOSTBASED_SERVICE);
}
}  // namespace

Acceptor::Acceptor(const AcceptorOptions& options, std::shared_ptr<const AcceptorCredential> shared)
    : options_(options), cred_(shared ? std::move(shared) : std::make_shared<AcceptorCredential>(options, false)) {}

// IAKERB (draft-ietf-kitten-iakerb) is not among the mechanisms a default credential covers:
// MIT marks it GSS_C_MA_NOT_DFLT_MECH, so neither GSS_C_NO_CREDENTIAL nor a credential
// acquired for the default mechanisms has an IAKERB element, and the mechglue's
// gss_accept_sec_context fails with GSS_S_NO_CRED before the mechanism sees the token
// (MIT gss-server -iakerb acquires its credential for IAKERB explicitly). A context whose
// first token is an IAKERB initial context token therefore gets its own credential for
// IAKERB, with the same name, for all its steps (a --keytab is registered with the krb5
// mechanism, IAKERB's too, by AcceptorCredential). Acquired only then, so every
// other mechanism keeps the credential it had.
const gss::Cred* Acceptor::credential_for(std::span<const std::uint8_t> first_token) {
  if (options_.accept_mechs.empty()) {
    if (const auto mech = gss::initial_token_mech(first_token); mech && *mech == gss::iakerb_oid()) {
      const std::map<std::string, std::string> no_store;
      const gss::Name name = acceptor_name(options_);
      const gss::Oid iakerb[] = {gss::iakerb_oid()};
      iakerb_cred_ = gss::Cred::acquire_from(name ? &name : nullptr, gss::CredUsage::accept, iakerb, no_store);
      return &iakerb_cred_;
    }
  }
  return cred_->get();
}

gss::StepResult Acceptor::step(std::span<const std::uint8_t> input) {
  if (!stepped_) {
    stepped_ = true;
    try {
      step_cred_ = credential_for(input);
    } catch (const gss::GssError& e) {
      gss::StepResult failed;
      failed.error = e;
      return failed;
    }
  }
  auto r = ctx_.step(input, step_cred_, options_.channel_bindings ? &*options_.channel_bindings : nullptr);
  complete_ = r.complete;
  return r;
}

report::ContextView Acceptor::view() {
  return report::ContextView{gss::inquire_context(ctx_.handle(), &ctx_.source_name()), std::nullopt, delegated()};
}

// The delegated credential (principal, expiry), stored in options_.store_delegated when set
// (created 0600: it is a credential).
json::Json Acceptor::delegated() {
  auto& deleg = ctx_.delegated();
  if (!deleg) return nullptr;
  json::Json j;
  try {
    const auto info = gss::inquire_cred(deleg.get());
    j["principal"] = info.name ? json::Json(info.name->text) : json::Json(nullptr);
    j["lifetime_seconds"] = info.lifetime_seconds;
    j["expires_at"] = info.lifetime_seconds == GSS_C_INDEFINITE || info.lifetime_seconds == 0
                          ? json::Json(nullptr)
                          : json::Json(util::rfc3339_utc(util::now_unix() + info.lifetime_seconds));
  } catch (const gss::GssError& e) {
    j["error"] = e.text();
  }
  j["stored_in"] = nullptr;
  if (!options_.store_delegated.empty()) {
    try {
      gss::store_cred_into(deleg.get(), options_.store_delegated);
      std::string path = options_.store_delegated;
      if (path.rfind("FILE:", 0) == 0) path = path.substr(5);
      if (!path.empty() && path.front() == '/') ::chmod(path.c_str(), 0600);
      j["stored_in"] = options_.store_delegated;
    } catch (const gss::GssError& e) {
      j["store_error"] = e.text();
    }
  }
  return j;
}

}  // namespace authctx::engine
