// A private in-memory copy of a credential cache, for many handshakes in one process
// (`client --count`, `local --count`): the user's cache (FILE, KEYRING, DIR, ...) is read
// once, and every later lookup stays in memory (re-reading a FILE cache costs ~150 µs per
// gss_init_sec_context). Service tickets fetched during the handshakes go to the copy, not
// to the user's cache. keep_initial_only() puts the copy back to its initial tickets (TGTs
// and configuration entries), so the next handshake asks the KDC for a fresh service
// ticket; entries() counts what it holds, so a caller sees a ticket the KDC issued.
// The copy holds its own krb5 context for its lifetime, which also keeps the library's
// parsed krb5.conf loaded: MIT shares one parsed profile among the contexts that hold it,
// so the GSS mechanism's short-lived contexts stop re-reading the file.
// Not thread-safe: one copy per thread.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "krb5/handles.hpp"

namespace authctx::krb5 {

class MemoryCcache {
 public:
  // Copies source ("" for the default cache). Throws KrbError when it cannot be read or
  // holds no ticket.
  explicit MemoryCcache(const std::string& source);
  ~MemoryCcache();
  MemoryCcache(const MemoryCcache&) = delete;
  MemoryCcache& operator=(const MemoryCcache&) = delete;

  // "MEMORY:<unique>": a name the GSS-API and krb5 calls of this process resolve.
  const std::string& name() const { return name_; }
  // Back to the initial tickets only: service tickets go.
  void keep_initial_only();
  // The entries the copy holds (tickets and configuration entries).
  int entries() const;

 private:
  Context ctx_;
  krb5_ccache cc_ = nullptr;
  PrincipalPtr client_;
  std::vector<CredsPtr> initial_;
  std::string name_;
};

}  // namespace authctx::krb5
