// src/doctor's configuration checks in process, over a krb5.conf written by the test (no
// KDC runs): a realm-less config fails default_realm and skips what needs a realm; kdc
// entries with tcp/ prefixes and custom ports are probed, an https (MS-KKDCP) entry is
// skipped, and a closed port fails fast with kdc_unreachable.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "doctor/doctor.hpp"
#include "support/harness.hpp"

using namespace authctx::doctor;
using authctx::test::TempDir;

namespace {
// Sets environment variables for one test and restores them afterwards.
class ScopedEnv {
 public:
  ScopedEnv(std::initializer_list<std::pair<const char*, std::string>> vars) {
    for (const auto& [k, v] : vars) {
      const char* old = std::getenv(k);
      saved_.emplace_back(k, old != nullptr ? std::optional<std::string>(old) : std::nullopt);
      ::setenv(k, v.c_str(), 1);
    }
  }
  ~ScopedEnv() {
    for (const auto& [k, v] : saved_) {
      if (v)
        ::setenv(k.c_str(), v->c_str(), 1);
      else
        ::unsetenv(k.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

std::vector<const Check*> checks_named(const Report& r, const std::string& id) {
  std::vector<const Check*> out;
  for (const auto& c : r.checks)
    if (c.check == id) out.push_back(&c);
  return out;
}
}  // namespace

TEST_CASE("doctor config: without a default realm the realm check fails and KDCs are skipped", "[doctor][config]") {
  TempDir dir;
  const std::string conf = dir.path + "/krb5.conf";
  std::ofstream(conf) << "[libdefaults]\n    dns_lookup_kdc = false\n";
  ScopedEnv env{{"KRB5_CONFIG", conf}, {"KRB5CCNAME", "FILE:" + dir.path + "/cc"},
                {"KRB5_KTNAME", "FILE:" + dir.path + "/kt"}};
  const auto r = run_doctor({});
  REQUIRE(checks_named(r, "krb5_config").size() == 1);
  CHECK(checks_named(r, "krb5_config")[0]->status == Status::ok);
  CHECK(checks_named(r, "krb5_config")[0]->data["files"][0]["path"] == conf);
  const auto* realm = checks_named(r, "default_realm").at(0);
  CHECK(realm->status == Status::fail);
  CHECK(realm->cls == "realm_unknown");
  CHECK(checks_named(r, "kdc_reachable").at(0)->status == Status::skip);
  CHECK(checks_named(r, "clock_offset").at(0)->status == Status::skip);
  CHECK(checks_named(r, "ccache").at(0)->status == Status::fail);
  CHECK(checks_named(r, "ccache").at(0)->cls == "no_credentials");
  // KRB5_KTNAME names it, so a missing keytab is a failure, not a skip.
  CHECK(checks_named(r, "keytab").at(0)->status == Status::fail);
  CHECK(checks_named(r, "keytab").at(0)->cls == "keytab_missing");
  CHECK(r.failed());
}

TEST_CASE("doctor config: each kdc entry is probed with its port; https entries are skipped", "[doctor][config]") {
  TempDir dir;
  const std::string conf = dir.path + "/krb5.conf";
  std::ofstream(conf) << "[libdefaults]\n    default_realm = EXAMPLE.TEST\n    dns_lookup_kdc = false\n"
                         "[realms]\n    EXAMPLE.TEST = {\n        kdc = tcp/127.0.0.1:1\n"
                         "        kdc = https://kdc.example.test/KdcProxy\n    }\n";
  ScopedEnv env{{"KRB5_CONFIG", conf}, {"KRB5CCNAME", "FILE:" + dir.path + "/cc"}};
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_doctor({});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(checks_named(r, "default_realm").at(0)->data["realm"] == "EXAMPLE.TEST");
  const auto kdcs = checks_named(r, "kdc_reachable");
  REQUIRE(kdcs.size() == 2);
  CHECK(kdcs[0]->status == Status::fail);
  CHECK(kdcs[0]->cls == "kdc_unreachable");
  CHECK(kdcs[0]->data["kdc"] == "tcp/127.0.0.1:1");
  CHECK(kdcs[0]->data["address"] == "127.0.0.1");
  CHECK(kdcs[0]->data["port"] == 1);
  CHECK(kdcs[1]->status == Status::skip);
  CHECK(kdcs[1]->data["kdc"] == "https://kdc.example.test/KdcProxy");
  CHECK(checks_named(r, "clock_offset").at(0)->status == Status::skip);
}

TEST_CASE("doctor config: a realm without kdc entries and DNS lookups off is unknown", "[doctor][config]") {
  TempDir dir;
  const std::string conf = dir.path + "/krb5.conf";
  std::ofstream(conf) << "[libdefaults]\n    default_realm = NOKDC.TEST\n    dns_lookup_kdc = false\n";
  ScopedEnv env{{"KRB5_CONFIG", conf}, {"KRB5CCNAME", "FILE:" + dir.path + "/cc"}};
  const auto r = run_doctor({});
  const auto kdcs = checks_named(r, "kdc_reachable");
  REQUIRE(kdcs.size() == 1);
  CHECK(kdcs[0]->status == Status::fail);
  CHECK(kdcs[0]->cls == "realm_unknown");
}

TEST_CASE("doctor config: an unparsable krb5.conf fails the config check", "[doctor][config]") {
  TempDir dir;
  const std::string conf = dir.path + "/krb5.conf";
  std::ofstream(conf) << "[libdefaults\n    default_realm = BROKEN\n";
  ScopedEnv env{{"KRB5_CONFIG", conf}, {"KRB5CCNAME", "FILE:" + dir.path + "/cc"}};
  const auto r = run_doctor({});
  const auto* c = checks_named(r, "krb5_config").at(0);
  CHECK(c->status == Status::fail);
  CHECK(c->cls == "config_unreadable");
  CHECK(checks_named(r, "default_realm").at(0)->status == Status::skip);
}
