// `authctx client --files DIR` and `authctx server --files DIR` in a lab realm: both start
// orders, a slow peer, a peer that never comes, stale and unknown files, unusable folders,
// the acceptor's error travelling back, and multi-leg mechanisms.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "support/harness.hpp"
#include "util/files.hpp"

using authctx::test::Background;
using authctx::test::Lab;
using authctx::test::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Waits (bounded) for the files server to say it is waiting.
void wait_until_waiting(const Background& server) {
  for (int i = 0; i < 1500 && server.err().find("waiting for clients") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(server.err().find("waiting for clients") != std::string::npos);
}

bool has_warning(const json& doc, const std::string& cls, const std::string& text) {
  for (const auto& w : doc["warnings"])
    if (w["class"] == cls && w["message"].get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

void write_file(const std::string& path, const std::string& text, int age_seconds) {
  std::ofstream(path) << text;
  const auto t = ::time(nullptr) - age_seconds;
  utimbuf times{t, t};
  ::utime(path.c_str(), &times);
}
}  // namespace

TEST_CASE("files: server first then client: krb5 and spnego and ntlm complete with both sides' views",
          "[files][mechs]") {
  Lab lab;
  TempDir dir;
  const auto mech = GENERATE(std::string("krb5"), std::string("spnego"), std::string("ntlm"));
  Background server({"server", "--files", dir.path, "--once", "--timeout", "20", "--format", "json"}, lab.env());
  wait_until_waiting(server);
  const auto r = lab.run({"client", "--files", dir.path, "--mech", mech, "--timeout", "20", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["command"] == "client");
  CHECK(doc["established"] == true);
  CHECK(doc["transport"]["kind"] == "files");
  CHECK(doc["transport"]["dir"] == dir.path);
  CHECK(doc["legs"].size() == (mech == "ntlm" ? 3u : 2u));
  CHECK(doc["legs"][0]["direction"] == "initiator->acceptor");
  // The acceptor's own view and its per-message checks travelled as over TCP.
  REQUIRE(doc["acceptor"].is_object());
  CHECK(doc["acceptor"]["locally_initiated"] == false);
  REQUIRE(doc["messages"].size() == 6);
  for (const auto& m : doc["messages"]) CHECK(m["ok"] == true);
  CHECK(doc["messages"][0]["direction"] == "initiator->acceptor");
  if (mech != "ntlm") {
    CHECK(doc["initiator"]["target_name"] == "host/localhost@AUTHCTX.TEST");
    CHECK(doc["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
    CHECK(doc["mech"]["oid"] == "1.2.840.113554.1.2.2");
  }
  REQUIRE(server.wait() == 0);
  const auto docs = server.documents();
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["command"] == "server");
  CHECK(docs[0]["established"] == true);
  CHECK(docs[0]["transport"]["session"] == doc["transport"]["session"]);
  CHECK(docs[0]["legs"].size() == doc["legs"].size());
  CHECK(docs[0]["messages"].size() == 3);
  // Every file was consumed by its reader: nothing is left behind.
  CHECK(names_in(dir.path).empty());
}

TEST_CASE("files: client first and a slow server within the timeout: the waiting hello is mode 0600", "[files][order]") {
  Lab lab;
  TempDir dir;
  Background client({"client", "--files", dir.path, "--mech", "krb5", "--timeout", "20", "--format", "json"}, lab.env());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the server is late
  const auto waiting = names_in(dir.path);
  REQUIRE(waiting.size() == 1);
  CHECK(waiting[0].find("-000-initiator-to-acceptor.hello.json") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat((dir.path + "/" + waiting[0]).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto hello = json::parse(authctx::util::read_file(dir.path + "/" + waiting[0]));
  CHECK(hello["protocol"] == "authctx/1");
  CHECK(hello["timeout_seconds"] == 20);

  const auto s = lab.run({"server", "--files", dir.path, "--once", "--timeout", "20", "--format", "json"});
  INFO(s.err);
  CHECK(s.exit_code == 0);
  REQUIRE(client.wait() == 0);
  const std::vector<json> docs{json::parse(client.out())};  // a client's document is pretty-printed
  CHECK(docs[0]["established"] == true);
  CHECK(docs[0]["legs"].size() == 2);
  CHECK(docs[0]["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
  CHECK(docs[0]["transport"]["session"].get<std::string>() + "-000-initiator-to-acceptor.hello.json" == waiting[0]);
  CHECK(docs[0]["elapsed_ms"].get<double>() >= 1500);
  CHECK(names_in(dir.path).empty());
}

TEST_CASE("files: a peer that never comes: exit 3 after the timeout and no files left", "[files][timeout]") {
  Lab lab;
  TempDir dir;
  SECTION("client") {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = lab.run({"client", "--files", dir.path, "--mech", "krb5", "--timeout", "1", "--format", "json"});
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    CHECK(r.exit_code == 3);
    CHECK(elapsed >= std::chrono::seconds(1));
    CHECK(elapsed < std::chrono::seconds(10));
    const auto doc = r.json();
    CHECK(doc["error"]["class"] == "timeout");
    CHECK_THAT(doc["error"]["message"].get<std::string>(),
               Catch::Contains("-000-acceptor-to-initiator.hello.json appeared in " + dir.path + " within 1 s"));
    CHECK_THAT(r.err, Catch::Contains("transport failure"));
    CHECK(names_in(dir.path).empty());  // the dead hello was withdrawn
  }
  SECTION("server --once") {
    const auto r = lab.run({"server", "--files", dir.path, "--once", "--timeout", "1", "--format", "json"});
    CHECK(r.exit_code == 3);
    const auto doc = r.json();
    CHECK(doc["error"]["class"] == "timeout");
    CHECK_THAT(doc["error"]["message"].get<std::string>(), Catch::Contains("no client hello"));
  }
}

TEST_CASE("files: files of an earlier session and unknown files are reported and never consumed", "[files][stale]") {
  Lab lab;
  TempDir dir;
  // An abandoned exchange from an hour ago (its hello and first token) and a stray file.
  const std::string old_session = "00112233445566778899aabbccddeeff";
  write_file(dir.path + "/" + old_session + "-000-initiator-to-acceptor.hello.json",
             R"({"protocol":"authctx/1","messages":1,"timeout_seconds":30})", 3600);
  write_file(dir.path + "/" + old_session + "-001-initiator-to-acceptor.token", "not a token", 3600);
  write_file(dir.path + "/notes.txt", "hello", 0);
  const auto before = names_in(dir.path);

  Background server({"server", "--files", dir.path, "--once", "--timeout", "20", "--format", "json"}, lab.env());
  wait_until_waiting(server);
  const auto r = lab.run({"client", "--files", dir.path, "--mech", "krb5", "--timeout", "20", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["established"] == true);
  CHECK(doc["transport"]["session"] != old_session);
  CHECK(has_warning(doc, "files_other_session", old_session));
  CHECK(has_warning(doc, "files_unknown", "notes.txt"));
  REQUIRE(server.wait() == 0);
  const auto sdoc = server.documents().at(0);
  CHECK(sdoc["transport"]["session"] == doc["transport"]["session"]);  // not the abandoned hello
  CHECK(has_warning(sdoc, "files_other_session", "abandoned"));
  CHECK(names_in(dir.path) == before);  // left exactly as they were
}

TEST_CASE("files: an unusable folder exits 5 with one sentence", "[files][setup]") {
  Lab lab;
  TempDir tmp;
  std::string dir;
  SECTION("missing") { dir = tmp.path + "/nope"; }
  SECTION("a path under a regular file") {
    std::ofstream(tmp.path + "/file") << "x";
    dir = tmp.path + "/file/dir";
  }
  SECTION("read-only (sysfs refuses new files even to root)") {
    // Tests run as root, for whom permission bits are no obstacle; sysfs still refuses to
    // create files in its root (EACCES), as a read-only mount would (EROFS).
    if (!fs::is_directory("/sys")) return;
    dir = "/sys";
  }
  for (const auto& cmd : {std::string("client"), std::string("server")}) {
    const auto r = lab.run({cmd, "--files", dir, "--timeout", "2", "--format", "json"});
    INFO(cmd << ": " << r.err);
    CHECK(r.exit_code == 5);
    CHECK(r.json()["error"]["class"] == "files_dir_unusable");
    CHECK_THAT(r.err, Catch::StartsWith("authctx: cannot"));
    CHECK_THAT(r.err, Catch::Contains(dir));
  }
}

TEST_CASE("files: the acceptor's error reaches the client's document", "[files][errors]") {
  Lab lab;
  TempDir dir;
  lab.kadmin("cpw -randkey host/localhost");  // the lab's keytab is now stale
  Background server({"server", "--files", dir.path, "--once", "--timeout", "20", "--format", "json"}, lab.env());
  wait_until_waiting(server);
  const auto r = lab.run({"client", "--files", dir.path, "--mech", "krb5", "--timeout", "20", "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["established"] == false);
  CHECK(doc["error"]["side"] == "acceptor");
  CHECK(doc["error"]["reported_by_peer"] == true);
  CHECK(doc["error"]["stage"] == "accept_sec_context");
  CHECK(server.wait() == 1);
  CHECK(names_in(dir.path).empty());
}

TEST_CASE("files: usage: exactly one transport", "[files][usage]") {
  Lab lab;
  TempDir dir;
  CHECK(lab.run({"client", "--format", "json"}).exit_code == 2);
  CHECK(lab.run({"client", "--files", dir.path, "--connect", "127.0.0.1:1", "--format", "json"}).exit_code == 2);
  CHECK(lab.run({"server", "--files", dir.path, "--stdio", "--format", "json"}).exit_code == 2);
  CHECK(lab.run({"server", "--format", "json"}).exit_code == 2);
}
