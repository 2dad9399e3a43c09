#include "lab/kadmin.hpp"

#include "util/errors.hpp"

namespace authctx::lab {
namespace {

constexpr std::chrono::seconds k_tool_timeout{20};

// kadmin.local -q exits 0 even when the query fails (MIT 1.20), and reports the failure on
// stderr ("add_principal: ... while creating ..."). Its only harmless stderr line is the
// "No policy specified for X; defaulting to no policy" notice.
bool has_error_line(const std::string& err) {
  std::size_t start = 0;
  while (start < err.size()) {
    auto nl = err.find('\n', start);
    if (nl == std::string::npos) nl = err.size();
    const auto line = err.substr(start, nl - start);
    start = nl + 1;
    if (line.empty() || line.rfind("No policy specified for ", 0) == 0) continue;
    return true;
  }
  return false;
}

util::RunResult run_tool(const std::vector<std::string>& argv, const util::Environment& env,
                         const std::string& what, const std::string& stdin_data = {}) {
  util::RunOptions opts;
  opts.argv = argv;
  opts.env = env;
  opts.stdin_data = stdin_data;
  opts.timeout = k_tool_timeout;
  const auto r = util::run(opts);
  const bool failed = r.timed_out || r.exit_code != 0 || has_error_line(r.err);
  if (failed) {
    std::string detail = r.timed_out ? "it timed out" : "it exited with status " + std::to_string(r.exit_code);
    throw util::setup_error("lab_realm_failed",
                            "The lab could not " + what + ": " + detail + ". Output:\n" + r.out + r.err,
                            "Check that krb5-kdc and krb5-admin-server are installed and the lab folder is writable.");
  }
  return r;
}

}  // namespace

util::RunResult kadmin_query(const Tools& tools, const util::Environment& env, const std::string& query) {
  return run_tool({tools.kadmin_local, "-q", query}, env, "run kadmin.local -q '" + query + "'");
}

void create_realm(const Tools& tools, const LabPaths& paths, const util::Environment& env,
                  const std::string& alice_password) {
  // The master password only protects the stash inside the lab folder; nobody needs it later.
  // It goes to kdb5_util's prompt on stdin (twice: entry and verification), never on its
  // command line, where any local user could read it in /proc/PID/cmdline: MIT's POSIX
  // prompter (krb5_prompter_posix) reads the standard input, which run() makes a pipe.
  const std::string master = random_password(24);
  run_tool({tools.kdb5_util, "create", "-s", "-r", k_realm}, env, "create the Kerberos database (kdb5_util create)",
           master + "\n" + master + "\n");
  // One kadmin.local reading its requests from stdin instead of one process per request:
  // a lab comes up in about half the time.
  std::string script = "addprinc -pw " + alice_password + " +requires_preauth " + k_user + "\n";
  for (const auto& service : k_services) script += "addprinc -randkey " + service + "\n";
  bool first = true;
  for (const auto& service : k_services) {
    // ktadd re-randomises the keys unless -norandkey: harmless the first time (no ticket
    // exists yet, kvno 1 -> 2), later ones keep the keytab equal to the database. No -k:
    // kadmin.local writes to KRB5_KTNAME (the lab keytab), so no path has to survive
    // kadmin's own request tokenizer.
    script += std::string("ktadd ") + (first ? "" : "-norandkey ") + service + "\n";
    first = false;
  }
  run_tool({tools.kadmin_local}, env, "add alice and the services (kadmin.local)", script);
  std::error_code ec;
  if (std::filesystem::file_size(paths.keytab, ec) == 0 || ec)
    throw util::setup_error("lab_realm_failed", "kadmin.local did not write the lab keytab " + paths.keytab.string() + ".",
                            "Check that the lab folder is writable.");
}

}  // namespace authctx::lab
