#include "engine/credentials.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "util/errors.hpp"
#include "util/process.hpp"

namespace authctx::engine {

void check_keytab_readable(const std::string& keytab, const char* option) {
  std::string path = keytab;
  if (path.rfind("FILE:", 0) == 0)
    path = path.substr(5);
  else if (path.find(':') != std::string::npos && path.front() != '/')
    return;  // MEMORY:, KEYRING:, ...
  const util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    const int err = errno;
    throw util::setup_error(err == ENOENT ? "keytab_missing" : "keytab_unreadable",
                            std::string("cannot read keytab ") + path + " (" + option + "): " + std::strerror(err),
                            "check the path and its permissions; `klist -k " + path + "` lists what it holds");
  }
}

AcceptorCredential::AcceptorCredential(const AcceptorOptions& options, bool acquire_default) {
  if (!options.keytab.empty()) {
    check_keytab_readable(options.keytab, "--keytab");
    gss::register_acceptor_keytab(options.keytab);
  }
  gss::Name name;
  if (!options.acceptor_name.empty()) {
    // "service@host" is host-based; anything with a '/' is a Kerberos principal name.
    const bool principal = options.acceptor_name.find('/') != std::string::npos;
    name =
        gss::Name::import(options.acceptor_name, principal ? GSS_KRB5_NT_PRINCIPAL_NAME : GSS_C_NT_HOSTBASED_SERVICE);
  }
  const std::map<std::string, std::string> no_store;
  if (!options.accept_mechs.empty()) {
    // RFC 4178 §5: an acceptor restricts SPNEGO with GSS_Set_neg_mechs on a SPNEGO credential.
    // The listed mechanisms are in the credential too, so their raw tokens are accepted as
    // well (HTTP's NTLM scheme, or a raw NTLM message under Negotiate, is not SPNEGO).
    std::vector<gss::Oid> mechs{gss::spnego_oid()};
    mechs.insert(mechs.end(), options.accept_mechs.begin(), options.accept_mechs.end());
    cred_ = gss::Cred::acquire_from(name ? &name : nullptr, gss::CredUsage::accept, mechs, no_store);
    cred_.set_neg_mechs(options.accept_mechs);
  } else if (!options.keytab.empty() || name) {
    cred_ = gss::Cred::acquire_from(name ? &name : nullptr, gss::CredUsage::accept, {}, no_store);
  } else if (acquire_default) {
    try {
      cred_ = gss::Cred::acquire_from(nullptr, gss::CredUsage::accept, {}, no_store);
    } catch (const gss::GssError&) {
      // No mechanism has an acceptor credential (no keytab): each accept says why.
    }
  }
}

InitiatorCredential::InitiatorCredential(const InitiatorOptions& options, bool fresh_tickets)
    : options_(options), fresh_(fresh_tickets) {
  target_ = gss::Name::import(options.target, gss::name_type(options.target_type));
  if (!options.password && options.client_keytab.empty()) {
    try {
      cache_ = std::make_unique<krb5::MemoryCcache>(options.ccache);
      gss::use_thread_ccache(cache_->name());
    } catch (const krb5::KrbError&) {
      cache_.reset();  // nothing to copy (no ccache: NTLM, or no tickets): as a single run does
    }
  }
  if (cache_ || options.password) {
    try {
      acquire();
    } catch (const gss::GssError&) {
      cred_ = gss::Cred();  // each handshake acquires its own and reports why it cannot
    }
  }
}

void InitiatorCredential::acquire() {
  const gss::Oid mechs[] = {options_.mech};
  gss::Name user;
  if (!options_.user.empty()) user = gss::Name::import(options_.user, GSS_C_NT_USER_NAME);
  if (options_.password)
    cred_ = gss::Cred::acquire_with_password(user, *options_.password, gss::CredUsage::initiate, mechs);
  else
    cred_ = gss::Cred::acquire_from(user ? &user : nullptr, gss::CredUsage::initiate, mechs, {});
  if (!options_.neg_mechs.empty()) cred_.set_neg_mechs(options_.neg_mechs);
  if (options_.suppress_ci_flags) cred_.suppress_ci_flags();
}

void InitiatorCredential::prepare() {
  if (fresh_ && cache_) cache_->keep_initial_only();
  if (fresh_ && !cache_ && options_.password && cred_) acquire();  // a new login: AS and TGS again
  if (cache_ && (fresh_ || entries_ < 0)) entries_ = cache_->entries();
}

std::optional<bool> InitiatorCredential::fetched_ticket() {
  if (!cache_) return std::nullopt;
  const int before = entries_;
  entries_ = cache_->entries();
  return entries_ > before;
}

}  // namespace authctx::engine
