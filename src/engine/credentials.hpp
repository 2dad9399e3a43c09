// Credentials acquired once and used for many handshakes.
//
// AcceptorCredential: the server's (one for every connection, shared by its worker threads:
// MIT locks a credential internally) and `local --count`'s. A --keytab is registered with
// the krb5 mechanism (gss::register_acceptor_keytab) rather than handed to every mechanism
// in a credential store: gss-ntlmssp 1.2.0 cannot accept with a keytab store and crashes
// under SPNEGO, so NTLM and Kerberos both work on one server. With no explicit option the
// credential is the default one acquired up front for every mechanism (what
// GSS_C_NO_CREDENTIAL would acquire at each accept: keytab opened, replay cache opened), or,
// when that fails, GSS_C_NO_CREDENTIAL, so the failure is reported at accept as before.
// It also holds a krb5 context, which keeps krb5.conf parsed (krb5/memory_ccache.hpp).
//
// InitiatorCredential: one per load-run thread (client --count, local --count). The user's
// ccache (--ccache, or the default) is copied once into a private MEMORY cache, made this
// thread's default for the krb5 mechanism, and the credential acquired from it once; the
// target name is imported once. prepare() before each handshake: with fresh tickets the
// copy goes back to its TGTs, so the handshake asks the KDC for its service ticket;
// fetched_ticket() then says whether the handshake stored a ticket (it asked the KDC).
// With --user and a password the credential is acquired with it once (fresh tickets: each
// handshake; fetched_ticket unknown). When neither works (no ccache: NTLM from
// NTLM_USER_FILE, a --client-keytab), get() is null and each handshake acquires its own as
// a single run does.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>

#include "engine/options.hpp"
#include "gss/handles.hpp"
#include "krb5/handles.hpp"
#include "krb5/memory_ccache.hpp"

namespace authctx::engine {

class AcceptorCredential {
 public:
  // acquire_default: without explicit options, acquire the default credential now (a server,
  // a load run) rather than leave it to each accept (a single `local`). Throws
  // gss::GssError (stage acquire_cred) or util::Error (setup: an unreadable keytab).
  AcceptorCredential(const AcceptorOptions& options, bool acquire_default);
  // null: GSS_C_NO_CREDENTIAL.
  const gss::Cred* get() const { return cred_ ? &cred_ : nullptr; }

 private:
  krb5::Context profile_;
  gss::Cred cred_;
};

class InitiatorCredential {
 public:
  // Call on the thread that makes the handshakes (the ccache default is per thread).
  InitiatorCredential(const InitiatorOptions& options, bool fresh_tickets);
  void prepare();
  // After a handshake: whether it stored a new ticket; nullopt when not known.
  std::optional<bool> fetched_ticket();
  // null: each handshake acquires its credential itself.
  const gss::Cred* get() const { return cred_ ? &cred_ : nullptr; }
  const gss::Name& target() const { return target_; }

 private:
  void acquire();

  const InitiatorOptions& options_;
  bool fresh_;
  std::unique_ptr<krb5::MemoryCcache> cache_;
  gss::Name target_;
  gss::Cred cred_;
  int entries_ = -1;
};

// Checks that a keytab given as an option can be opened: a set-up problem (exit 5), not
// an authentication failure (MIT would only say "No key table entry found" later).
void check_keytab_readable(const std::string& keytab, const char* option);

}  // namespace authctx::engine
