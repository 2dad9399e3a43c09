// Alice's initial tickets, obtained through the krb5 API rather than kinit.
//
// Contract: the krb5 context is built from the lab's krb5.conf alone (profile_init_path +
// krb5_init_context_profile), never from the process environment, and nothing here calls
// setenv, so a process may hold several labs. get_initial_tgt() runs an AS exchange with the
// password (pre-authenticated: alice has +requires_preauth) and stores the TGT in a FILE
// ccache, which it (re)initialises. read_ccache() lists a ccache's contents, for checks.
// Failures throw util::setup_error with the library's message.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace authctx::lab {

void get_initial_tgt(const std::filesystem::path& krb5_conf, const std::string& principal, const std::string& password,
                     const std::filesystem::path& ccache);

struct CcacheEntry {
  std::string server;   // e.g. krbtgt/AUTHCTX.TEST@AUTHCTX.TEST
  bool pre_authent = false;
  long lifetime_seconds = 0;  // endtime - starttime (or authtime)
};
struct CcacheContents {
  std::string client;
  std::vector<CcacheEntry> entries;  // real tickets only (no ccache config entries)
};
CcacheContents read_ccache(const std::filesystem::path& krb5_conf, const std::filesystem::path& ccache);

}  // namespace authctx::lab
