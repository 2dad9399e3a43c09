// Support for the tests against an Active Directory lab (`authctx lab up --kdc samba`): the
// skip rule, MIT tools run with a lab's environment, and readers for the handshake documents.
// These tests run in their own executable (authctx_samba_tests) behind a CTest fixture that
// makes the cached Samba template once, so no test pays for provisioning under its timeout.
#pragma once
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "support/harness.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace authctx::test {

// Exits 77 (CTest: skipped) unless the AD lab can run here: root, and Samba's DC, its ldb
// tools and MIT's klist/kvno installed.
inline void require_samba() {
  if (::geteuid() != 0) {
    WARN("the AD lab needs root");
    std::exit(77);
  }
  for (const char* tool : {"samba", "samba-tool", "ldbmodify", "klist", "kvno"}) {
    if (!util::find_program(tool)) {
      WARN(std::string(tool) + " is not installed (samba-ad-dc, ldb-tools, krb5-user)");
      std::exit(77);
    }
  }
}

// An AD lab for one test (its destructor runs `lab down`).
struct AdLab : Lab {
  AdLab() : Lab({"--kdc", "samba"}) {}
  std::string address() const { return info()["dc"]["address"].get<std::string>(); }
  // Runs `authctx lab ad ARGS... --dir DIR` and returns its document.
  nlohmann::json knob(std::vector<std::string> args) const {
    args.insert(args.begin(), {"lab", "ad"});
    args.insert(args.end(), {"--dir", dir(), "--format", "json"});
    const auto r = run_authctx(args);
    INFO("lab ad: " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return r.json();
  }
};

// A program (klist, kvno, ldapsearch, ...) with the lab's environment.
inline util::RunResult run_tool(const Lab& lab, std::vector<std::string> argv, const util::Environment& extra = {}) {
  auto prog = util::find_program(argv.at(0));
  REQUIRE(prog.has_value());
  argv[0] = *prog;
  util::RunOptions opts;
  opts.argv = argv;
  auto env = lab.env();
  for (const auto& [k, v] : extra) env[k] = v;
  opts.env = util::current_environment(env);
  opts.timeout = std::chrono::seconds(60);
  const auto r = util::run(opts);
  REQUIRE_FALSE(r.timed_out);
  return r;
}

// The AP-REQ of a handshake document's first leg (krb5 directly, or inside SPNEGO).
inline nlohmann::json first_ap_req(const nlohmann::json& doc) {
  nlohmann::json node = doc.at("legs").at(0).at("decoded");
  for (int depth = 0; depth < 6; ++depth) {
    if (node.value("type", "") == "krb5.ap_req") return node;
    if (node.contains("inner_token")) node = node["inner_token"];
    else if (node.contains("mech_token")) node = node["mech_token"];
    else break;
  }
  FAIL("no krb5.ap_req in the first leg: " << doc["legs"][0]["decoded"].dump());
  return {};
}

inline int ticket_enctype(const nlohmann::json& doc) {
  return first_ap_req(doc)["ticket"]["enc_part"]["etype"]["id"].get<int>();
}

inline std::vector<std::string> attribute_names(const nlohmann::json& context) {
  std::vector<std::string> names;
  for (const auto& a : context.at("name_attributes")) names.push_back(a.at("name").get<std::string>());
  return names;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace authctx::test
