// Policy between `authctx client` and `authctx server` over TCP (each side checks its own
// view: a server per connection, a client per --count run), and the --junit report: well
// formed for xmllint (libxml2-utils), structured as CI reporters read it (XPath checks),
// read back by a real JUnit consumer (python3-junitparser), escaped against hostile bytes,
// mode 0600.
#include <signal.h>
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "support/harness.hpp"
#include "util/process.hpp"

using authctx::test::Background;
using authctx::test::Lab;
using authctx::test::TempDir;
using nlohmann::json;

namespace {

std::string addr(int port) { return "127.0.0.1:" + std::to_string(port); }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string need(const std::string& program, const char* package) {
  const auto path = authctx::util::find_program(program);
  if (!path) {
    WARN(program << " (" << package << ") is not installed");
    std::exit(77);
  }
  return *path;
}

// xmllint's answer to an XPath expression on file ("" when it fails).
std::string xpath(const std::string& file, const std::string& expr) {
  authctx::util::RunOptions o;
  o.argv = {need("xmllint", "libxml2-utils"), "--xpath", expr, file};
  auto r = authctx::util::run(o);
  if (r.exit_code != 0) return "";
  if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();  // xmllint ends its answer with one
  return r.out;
}

void require_well_formed(const std::string& file) {
  authctx::util::RunOptions o;
  o.argv = {need("xmllint", "libxml2-utils"), "--noout", file};
  const auto r = authctx::util::run(o);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// python3-junitparser reads the report as CI tools do; prints what it understood as JSON.
json junit_consumer(const std::string& file) {
  const char* script = R"py(
import json, sys
from junitparser import JUnitXml
xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    cases = []
    for case in suite:
        cases.append({"classname": case.classname, "name": case.name,
                      "results": [{"kind": type(r).__name__, "type": r.type, "message": r.message} for r in case.result]})
    out = suite._elem.find("system-out")
    suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "skipped": suite.skipped,
                   "properties": {p.name: p.value for p in suite.properties()}, "cases": cases,
                   "system_out": out.text if out is not None else None})
print(json.dumps({"tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "skipped": xml.skipped,
                  "suites": suites}))
)py";
  need("python3", "python3");
  authctx::util::RunOptions o;
  o.argv = {"/usr/bin/python3", "-c", script, file};
  const auto r = authctx::util::run(o);
  if (contains(r.err, "No module named 'junitparser'")) {
    WARN("python3-junitparser is not installed");
    std::exit(77);
  }
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

int file_mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}
}  // namespace

TEST_CASE("policy: client and server each check their own side over TCP", "[policy][tcp][bindings]") {
  Lab lab;
  SECTION("channel bindings absent on the client: the server's channel-bound fails (exit 6)") {
    Background server({"server", "--listen", "127.0.0.1:0", "--once", "--channel-bindings", "tls-unique:ci", "--expect",
                       "channel-bound", "--expect", "user=alice", "--format", "json"},
                      lab.env());
    const int port = server.wait_for_port();
    const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--expect", "no-ntlm", "--expect",
                            "channel-bound", "--format", "json"});
    CHECK(r.exit_code == 6);  // the client sees the server's report: not channel-bound
    CHECK(r.json()["expectations"][0]["ok"] == true);
    CHECK(r.json()["expectations"][1]["actual"] == false);
    CHECK(server.wait() == 6);
    const auto docs = server.documents();
    REQUIRE(docs.size() == 1);
    CHECK(docs[0]["error"]["class"] == "expectation_failed");
    CHECK(docs[0]["expectations"][0]["expr"] == "channel-bound");
    CHECK(docs[0]["expectations"][0]["actual"] == false);
    CHECK(docs[0]["expectations"][0]["detail"] == "flags granted to the acceptor");
    CHECK(docs[0]["expectations"][1]["ok"] == true);
    CHECK(contains(server.err(), "authctx: the context was established but 1 of 2 expectations failed: channel-bound"));
  }
  SECTION("channel bindings on both sides: both pass") {
    Background server({"server", "--listen", "127.0.0.1:0", "--once", "--channel-bindings", "tls-unique:ci", "--expect",
                       "channel-bound", "--format", "json"},
                      lab.env());
    const int port = server.wait_for_port();
    const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--channel-bindings", "tls-unique:ci",
                            "--expect", "channel-bound", "--format", "json"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.json()["expectations"][0]["actual"] == true);
    CHECK(server.wait() == 0);
    CHECK(server.documents().at(0)["expectations"][0]["ok"] == true);
  }
  SECTION("delegation: the server sees the delegated credential") {
    Background server({"server", "--listen", "127.0.0.1:0", "--once", "--expect", "delegated", "--format", "json"},
                      lab.env());
    const int port = server.wait_for_port();
    const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--delegate", "--expect", "delegated",
                            "--format", "json"});
    CHECK(r.exit_code == 0);
    CHECK(server.wait() == 0);
    CHECK(server.documents().at(0)["expectations"][0]["actual"] == true);
  }
}

TEST_CASE("policy: a server writes one testsuite per connection", "[policy][tcp][junit]") {
  Lab lab;
  TempDir tmp;
  const auto report = tmp.path + "/server.xml";
  Background server({"server", "--listen", "127.0.0.1:0", "--expect", "no-ntlm", "--expect", "legs<=2", "--junit",
                     report, "--format", "json"},
                    lab.env());
  const int port = server.wait_for_port();
  // Before any connection the report already exists, and fails.
  CHECK(xpath(report, "string(//testcase/error/@type)") == "not_finished");
  REQUIRE(lab.run({"client", "--connect", addr(port), "--format", "json"}).exit_code == 0);
  // Without Kerberos credentials SPNEGO falls back to NTLM: the server's checks fail.
  const auto ntlm = lab.run({"client", "--connect", addr(port), "--format", "json"},
                            {{"KRB5CCNAME", "FILE:" + lab.dir() + "/no-such-ccache"}});
  REQUIRE(ntlm.exit_code == 0);  // the client itself expected nothing
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);  // a long-running server reports per connection and exits 0
  const auto docs = server.documents();
  REQUIRE(docs.size() == 2);
  CHECK(docs[0]["error"].is_null());
  CHECK(docs[1]["error"]["class"] == "expectation_failed");
  CHECK(docs[1]["expectations"][0]["actual"] == "NTLM in legs 1, 2, 3");
  require_well_formed(report);
  CHECK(file_mode(report) == 0600);
  CHECK(xpath(report, "count(/testsuites/testsuite)") == "2");
  CHECK(xpath(report, "string(/testsuites/@tests)") == "6");
  CHECK(xpath(report, "string(/testsuites/@failures)") == "2");
  CHECK(contains(xpath(report, "string(/testsuites/testsuite[1]/@name)"), "authctx server connection 1 (127.0.0.1:"));
  CHECK(xpath(report, "string(/testsuites/testsuite[2]/testcase[2]/@classname)") == "authctx.server.connection2");
  CHECK(xpath(report, "string(/testsuites/testsuite[2]/testcase[@name='expect no-ntlm']/failure/@message)") ==
        "expected no NTLM leg, actual NTLM in legs 1, 2, 3");
  CHECK(xpath(report, "string(/testsuites/testsuite[2]/properties/property[@name='mech']/@value)") == "ntlm");
  CHECK(xpath(report, "string(/testsuites/testsuite[1]/properties/property[@name='ticket_enctype']/@value)") ==
        "aes256-cts-hmac-sha1-96");
}

TEST_CASE("policy: client --count writes one testsuite per run and tallies the summary", "[policy][tcp][junit]") {
  Lab lab;
  TempDir tmp;
  const auto report = tmp.path + "/count.xml";
  Background server({"server", "--listen", "127.0.0.1:0", "--max-connections", "2", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", addr(port), "--count", "3", "--expect", "legs<=2", "--expect",
                          "mech=ntlm", "--junit", report, "--format", "json"});
  REQUIRE(r.exit_code == 6);
  const auto doc = r.json();
  CHECK(doc["summary"]["established"] == 3);
  REQUIRE(doc["expectations"].size() == 2);
  CHECK(doc["expectations"][0]["ok"] == true);
  CHECK(doc["expectations"][0]["runs"] == json::parse(R"({"passed": 3, "failed": 0, "not_evaluated": 0})"));
  CHECK(doc["expectations"][1]["ok"] == false);
  CHECK(doc["expectations"][1]["actual"] == "krb5");
  CHECK(doc["expectations"][1]["first_failure"]["run"] == 1);
  CHECK(doc["error"]["class"] == "expectation_failed");
  require_well_formed(report);
  CHECK(xpath(report, "count(/testsuites/testsuite)") == "3");
  CHECK(contains(xpath(report, "string(/testsuites/testsuite[3]/@name)"), "authctx client run 3"));
  CHECK(xpath(report, "count(//testcase[@name='expect mech=ntlm']/failure)") == "3");
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
}

TEST_CASE("policy: the JUnit file is well formed and read back by a JUnit consumer", "[policy][junit]") {
  Lab lab;
  TempDir tmp;
  const auto report = tmp.path + "/local.xml";
  const auto r = lab.run({"local", "--expect", "mech=krb5", "--expect", "ticket-enctype>=aes128", "--expect", "legs<=1",
                          "--junit", report, "--format", "json"});
  REQUIRE(r.exit_code == 6);
  require_well_formed(report);
  CHECK(file_mode(report) == 0600);
  CHECK(xpath(report, "count(/testsuites/testsuite/testcase)") == "4");
  CHECK(xpath(report, "string(/testsuites/testsuite/testcase[1]/@name)") == "context established");
  CHECK(xpath(report, "count(/testsuites/testsuite/testcase[1]/*)") == "0");
  CHECK(xpath(report, "string(//testcase[@name='expect legs<=1']/failure/@type)") == "expectation_failed");
  CHECK(contains(xpath(report, "string(//testcase[@name='expect legs<=1']/failure)"), "\nnext: the leg count shows"));
  CHECK(xpath(report, "string(//property[@name='session_key_enctype']/@value)") == "aes256-cts-hmac-sha1-96");
  CHECK(xpath(report, "string(//property[@name='source_name']/@value)") == "alice@AUTHCTX.TEST");
  CHECK(xpath(report, "string(//property[@name='initiator_flags']/@value)") == "mutual replay conf integ trans");
  CHECK(contains(xpath(report, "string(//system-out)"), "authctx local  ✔ context established"));

  const auto read = junit_consumer(report);
  CHECK(read["tests"] == 4);
  CHECK(read["failures"] == 1);
  REQUIRE(read["suites"].size() == 1);
  const auto& suite = read["suites"][0];
  CHECK(suite["name"] == "authctx local");
  CHECK(suite["properties"]["mech"] == "krb5");
  CHECK(suite["properties"]["ticket_enctype"] == "aes256-cts-hmac-sha1-96");
  CHECK(suite["properties"]["target_name"] == "host/localhost@AUTHCTX.TEST");
  REQUIRE(suite["cases"].size() == 4);
  CHECK(suite["cases"][0]["results"].empty());
  CHECK(suite["cases"][2]["name"] == "expect ticket-enctype>=aes128");
  CHECK(suite["cases"][2]["results"].empty());
  CHECK(suite["cases"][3]["classname"] == "authctx.local");
  CHECK(suite["cases"][3]["results"][0]["kind"] == "Failure");
  CHECK(suite["cases"][3]["results"][0]["type"] == "expectation_failed");
  CHECK(suite["cases"][3]["results"][0]["message"] == "expected <= 1, actual 2");
  CHECK(contains(suite["system_out"].get<std::string>(), "Expectations"));

  // A failed handshake: establishment fails with its class, expectations are skipped.
  const auto failed = lab.run({"local", "--mech", "krb5", "--target", "nosuch@localhost", "--expect", "no-ntlm",
                               "--junit", report, "--format", "json"});
  REQUIRE(failed.exit_code == 1);
  const auto f = junit_consumer(report);
  CHECK(f["failures"] == 1);
  CHECK(f["skipped"] == 1);
  CHECK(f["suites"][0]["cases"][0]["results"][0]["type"] == "service_principal_unknown");
  CHECK(f["suites"][0]["cases"][1]["results"][0]["kind"] == "Skipped");
}

TEST_CASE("policy: hostile bytes in peer strings keep the JUnit file well formed", "[policy][junit][hostile]") {
  Lab lab;
  TempDir tmp;
  const auto report = tmp.path + "/hostile.xml";
  // The KDC echoes the unknown principal in its error text: ESC, a C0 control, markup and
  // invalid UTF-8 reach the document, the text view and the report.
  const std::string evil = "ev\x1b[31mil\x01<x>&\xff\xc0/host@AUTHCTX.TEST";
  const auto r = lab.run({"local", "--mech", "krb5", "--target-type", "principal", "--target", evil, "--expect",
                          "no-ntlm", "--junit", report, "--format", "json"});
  REQUIRE(r.exit_code == 1);
  require_well_formed(report);
  const auto message = xpath(report, "string(//testcase[1]/failure/@message)");
  CHECK(contains(message, "ev\xe2\x90\x9b[31mil\xe2\x90\x81<x>&\xef\xbf\xbd\xef\xbf\xbd/host@AUTHCTX.TEST"));
  const auto read = junit_consumer(report);
  CHECK(read["suites"][0]["cases"][0]["results"][0]["type"] == "service_principal_unknown");
  CHECK(contains(read["suites"][0]["system_out"].get<std::string>(), "\xe2\x90\x9b[31m"));
}
