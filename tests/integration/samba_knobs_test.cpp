// The knobs of an AD lab (`authctx lab ad rekey|spn|delegation|ldap-signing`; enctypes is in
// lab_samba_test.cpp with the handshakes it changes), each asserted through what it changes
// for real: handshakes, MIT's klist and kvno, and OpenLDAP's ldapsearch.
#include <catch2/catch.hpp>

#include <filesystem>

#include "integration/samba_support.hpp"

namespace fs = std::filesystem;
using authctx::test::AdLab;
using authctx::test::contains;
using authctx::test::has;
using authctx::test::require_samba;
using authctx::test::run_tool;
using authctx::test::TempDir;
using nlohmann::json;

TEST_CASE("lab samba: rekey leaves the keytab stale until --update-keytab adds the new keys", "[lab][samba][knob]") {
  require_samba();
  AdLab lab;
  const auto stale = lab.knob({"rekey", "--account", "websvc"});
  const auto old_kvno = stale["before"]["kvno"].get<int>();
  const auto new_kvno = stale["after"]["kvno"].get<int>();
  CHECK(new_kvno == old_kvno + 1);
  CHECK(stale["keytab"] == "stale");
  const auto kvno = run_tool(lab, {"kvno", "HTTP/localhost"});
  CHECK(contains(kvno.out, "kvno = " + std::to_string(new_kvno)));
  CHECK_FALSE(contains(run_tool(lab, {"klist", "-k"}).out, std::to_string(new_kvno) + " HTTP/localhost"));
  const auto failed = lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--format", "json"});
  CHECK(failed.exit_code == 1);
  CHECK(failed.json()["error"]["class"] == "keytab_kvno_mismatch");

  const auto fixed = lab.knob({"rekey", "--account", "websvc", "--update-keytab"});
  CHECK(fixed["keytab"] == "updated");
  CHECK(contains(run_tool(lab, {"klist", "-k"}).out, std::to_string(new_kvno + 1) + " HTTP/localhost"));
  const auto ok = lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--format", "json"});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(authctx::test::first_ap_req(ok.json())["ticket"]["enc_part"]["kvno"] == new_kvno + 1);
}

TEST_CASE("lab samba: rekey of alice changes her password files and her new TGT works", "[lab][samba][knob]") {
  require_samba();
  AdLab lab;
  const auto old_password = lab.info()["user"]["password"].get<std::string>();
  lab.knob({"rekey", "--account", "alice"});
  const auto password = authctx::util::read_password_file(lab.path("password_file"));
  CHECK(password != old_password);
  CHECK(contains(authctx::util::read_file(lab.path("ntlm_user_file")), "AUTHCTX:alice:" + password + "\n"));
  const auto state = json::parse(authctx::util::read_file(lab.path("state_file")));
  CHECK(state["user"]["password"] == password);
  const auto r = lab.run({"local", "--mech", "krb5", "--user", "alice", "--password-file", lab.path("password_file"),
                          "--target", "host@localhost", "--format", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("lab samba: a duplicate SPN makes the DC refuse tickets for it until one copy goes", "[lab][samba][knob]") {
  require_samba();
  AdLab lab;
  const auto dup = lab.knob({"spn", "--account", "hostsvc", "--add", "HTTP/localhost"});
  CHECK(dup["duplicate_of"] == json({"websvc"}));
  CHECK(has(dup["after"]["spns"], "HTTP/localhost"));
  // Samba, like AD, will not pick one of two accounts: "Server not found".
  const auto kvno = run_tool(lab, {"kvno", "HTTP/localhost"});
  CHECK(kvno.exit_code != 0);
  CHECK(contains(kvno.err, "Server not found in Kerberos database"));
  const auto krb5 = lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--format", "json"});
  CHECK(krb5.exit_code == 1);
  CHECK(krb5.json()["error"]["class"] == "service_principal_unknown");

  lab.knob({"spn", "--account", "hostsvc", "--remove", "HTTP/localhost"});
  CHECK(run_tool(lab, {"kvno", "HTTP/localhost"}).exit_code == 0);
}

TEST_CASE("lab samba: a sensitive account gets no forwardable TGT and a trusted service gets ok-as-delegate",
          "[lab][samba][knob]") {
  require_samba();
  AdLab lab;
  const auto normal = lab.run({"local", "--mech", "krb5", "--target", "host@localhost", "--delegate", "--format", "json"});
  REQUIRE(normal.exit_code == 0);
  CHECK(has(normal.json()["initiator"]["flags"]["granted"], "deleg"));

  const auto sensitive = lab.knob({"delegation", "--account", "alice", "--sensitive", "on"});
  CHECK(has(sensitive["after"]["flags"], "sensitive"));
  const auto tgt = run_tool(lab, {"klist", "-f"}).out;  // the knob renewed alice's TGT: not forwardable
  CHECK(contains(tgt, "Flags: RIA"));
  CHECK_FALSE(contains(tgt, "Flags: FRIA"));
  const auto refused = lab.run({"local", "--mech", "krb5", "--target", "host@localhost", "--delegate", "--format", "json"});
  REQUIRE(refused.exit_code == 0);
  CHECK_FALSE(has(refused.json()["initiator"]["flags"]["granted"], "deleg"));
  CHECK(refused.json()["acceptor"]["delegated_credentials"].is_null());
  lab.knob({"delegation", "--account", "alice", "--sensitive", "off"});

  // --delegate-policy delegates only to a service the DC marks ok-as-delegate.
  const auto untrusted =
      lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--delegate-policy", "--format", "json"});
  REQUIRE(untrusted.exit_code == 0);
  CHECK_FALSE(has(untrusted.json()["initiator"]["ticket_flags"], "ok_as_delegate"));
  CHECK_FALSE(has(untrusted.json()["initiator"]["flags"]["granted"], "deleg"));
  const auto trusted = lab.knob({"delegation", "--account", "websvc", "--trusted", "on"});
  CHECK(has(trusted["after"]["flags"], "trusted_for_delegation"));
  const auto delegated =
      lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--delegate-policy", "--format", "json"});
  REQUIRE(delegated.exit_code == 0);
  CHECK(has(delegated.json()["initiator"]["ticket_flags"], "ok_as_delegate"));
  CHECK(has(delegated.json()["initiator"]["flags"]["granted"], "deleg"));
}

TEST_CASE("lab samba: ldap signing required refuses an unsigned SASL bind and relax allows it", "[lab][samba][knob]") {
  require_samba();
  if (!authctx::util::find_program("ldapsearch") || !authctx::util::find_program("unshare") ||
      !fs::exists("/usr/lib/x86_64-linux-gnu/sasl2/libgssapiv2.so")) {
    WARN("ldapsearch with SASL GSSAPI (ldap-utils, libsasl2-modules-gssapi-mit) is not installed");
    std::exit(77);
  }
  AdLab lab;
  // OpenLDAP's client names the service after the URL's host, so it must reach the DC by
  // name: a private mount namespace gives ldapsearch an /etc/hosts with dc1's address.
  TempDir tmp;
  authctx::util::write_private_file(tmp.path + "/hosts", lab.address() + " dc1.ad.authctx.test\n");
  auto bind = [&](bool unsigned_bind) {
    std::string cmd = "mount --bind \"$0\" /etc/hosts && exec ldapsearch -LLL -H ldap://dc1.ad.authctx.test -Y GSSAPI ";
    if (unsigned_bind) cmd += "-O maxssf=0 ";
    cmd += "-b '' -s base defaultNamingContext";
    return run_tool(lab, {"unshare", "-m", "sh", "-c", cmd, tmp.path + "/hosts"});
  };
  const auto refused = bind(true);
  CHECK(refused.exit_code != 0);
  CHECK(contains(refused.err, "Strong(er) authentication required (8)"));
  CHECK(contains(refused.err, "Sign or Seal are required"));
  const auto sealed = bind(false);
  INFO(sealed.err);
  CHECK(contains(sealed.out, "defaultNamingContext: DC=ad,DC=authctx,DC=test"));

  const auto relax = lab.knob({"ldap-signing", "--mode", "relax"});
  CHECK(relax["ldap_signing"]["after"] == "relaxed");
  CHECK(relax["dc"]["pid"] != lab.info()["dc"]["pid"]);  // restarted
  const auto allowed = bind(true);
  INFO(allowed.err);
  CHECK(contains(allowed.out, "defaultNamingContext: DC=ad,DC=authctx,DC=test"));
  CHECK(contains(allowed.err, "SASL SSF: 0"));
  lab.knob({"ldap-signing", "--mode", "require"});
  CHECK(contains(bind(true).err, "Strong(er) authentication required (8)"));
}
