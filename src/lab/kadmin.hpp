// Creating the lab's Kerberos database with MIT's own tools, run directly (no shell), with the
// lab's environment and a timeout each.
//
// create_realm(): `kdb5_util create -s` (a random master password, given on its stdin and
// never on a command line; stash file in the lab), user alice with +requires_preauth (so
// tickets carry pre_authent, as with Active Directory), host/localhost and HTTP/localhost
// with random keys, and both services in the lab keytab.
// The first `ktadd` re-randomises host/localhost's keys (kvno 2) and the second uses
// -norandkey, so the keytab matches the database. Failures throw util::setup_error with the
// tool's own output.
#pragma once
#include <string>
#include <vector>

#include "lab/config.hpp"
#include "lab/kdc.hpp"

namespace authctx::lab {

inline const std::vector<std::string> k_services = {"host/localhost", "HTTP/localhost"};

void create_realm(const Tools& tools, const LabPaths& paths, const util::Environment& env,
                  const std::string& alice_password);

// Runs `kadmin.local -q QUERY` in the lab; throws util::setup_error if it fails.
util::RunResult kadmin_query(const Tools& tools, const util::Environment& env, const std::string& query);

}  // namespace authctx::lab
