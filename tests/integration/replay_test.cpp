// Transcripts (--record FILE) and `authctx replay FILE`: a recorded Kerberos exchange, fed
// again to the service, must be refused by its replay cache; a transcript for another
// service's key fails with that key's error.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "support/harness.hpp"
#include "util/files.hpp"

using authctx::test::Background;
using authctx::test::Lab;
using authctx::test::TempDir;
using nlohmann::json;

namespace {
int mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}
}  // namespace

TEST_CASE("replay: a recorded exchange is refused as a replay (krb5 and spnego)", "[replay][record]") {
  Lab lab;
  TempDir dir;
  const auto mech = GENERATE(std::string("krb5"), std::string("spnego"));
  const auto transcript = dir.path + "/t.json";
  const auto rec = lab.run({"local", "--mech", mech, "--record", transcript, "--format", "json"});
  INFO(rec.err);
  REQUIRE(rec.exit_code == 0);
  CHECK(mode_of(transcript) == 0600);
  const auto recorded = json::parse(authctx::util::read_file(transcript));
  CHECK(recorded == rec.json());  // the same document, tokens included
  CHECK(recorded["legs"][0]["base64"].is_string());

  const auto r = lab.run({"replay", transcript, "--format", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["command"] == "replay");
  CHECK(doc["established"] == false);
  CHECK(doc["error"]["class"] == "replay");
  CHECK(doc["error"]["stage"] == "accept_sec_context");
  CHECK_THAT(doc["error"]["minor"]["text"].get<std::string>(), Catch::Contains("Request is a replay"));
  CHECK(doc["legs"][0]["base64"] == recorded["legs"][0]["base64"]);
  CHECK(doc["replay"]["recorded_command"] == "local");
  CHECK(doc["replay"]["replayed_tokens"] == 1);
  CHECK_THAT(r.err, Catch::Contains("[replay]"));
}

TEST_CASE("replay: a client's transcript over TCP replayed to the server's key is refused", "[replay][tcp]") {
  Lab lab;
  TempDir dir;
  const auto transcript = dir.path + "/client.json";
  const auto server_transcript = dir.path + "/server.json";
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json", "--record", server_transcript},
                    lab.env());
  const int port = server.wait_for_port();
  const auto rec = lab.run({"client", "--connect", "127.0.0.1:" + std::to_string(port), "--mech", "krb5", "--record",
                            transcript, "--format", "json"});
  REQUIRE(rec.exit_code == 0);
  REQUIRE(server.wait() == 0);
  CHECK(mode_of(server_transcript) == 0600);
  for (const auto& t : {transcript, server_transcript}) {
    const auto r = lab.run({"replay", t, "--keytab", lab.path("keytab"), "--format", "json"});
    INFO(t << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.json()["error"]["class"] == "replay");
  }
}

TEST_CASE("replay: a transcript for another service's key fails with that key's error", "[replay][keys]") {
  Lab lab;
  TempDir dir;
  const auto transcript = dir.path + "/t.json";
  REQUIRE(lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--record", transcript, "--format",
                   "json"})
              .exit_code == 0);
  const auto r = lab.run({"replay", transcript, "--acceptor-name", "host@localhost", "--format", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["error"]["stage"] == "accept_sec_context");
  CHECK(doc["error"]["class"] != "replay");
  // MIT: KRB5KRB_AP_ERR_NOT_US, "Request ticket server HTTP/localhost@... found in keytab but
  // does not match server principal host/localhost@".
  CHECK_THAT(doc["error"]["minor"]["text"].get<std::string>(), Catch::Contains("does not match server principal"));
  CHECK_THAT(doc["error"]["minor"]["text"].get<std::string>(), Catch::Contains("HTTP/localhost"));
}

TEST_CASE("replay: with the replay cache off a replayed AP-REQ is accepted and flagged", "[replay][rcache]") {
  Lab lab;
  TempDir dir;
  const auto transcript = dir.path + "/t.json";
  REQUIRE(lab.run({"local", "--mech", "krb5", "--record", transcript, "--format", "json"}).exit_code == 0);
  const auto r = lab.run({"replay", transcript, "--format", "json"}, {{"KRB5RCACHETYPE", "none"}});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["established"] == true);
  bool flagged = false;
  for (const auto& w : doc["warnings"]) flagged = flagged || w["class"] == "replay_accepted";
  CHECK(flagged);
}

TEST_CASE("replay: a file that is not a transcript exits 4 and a missing one exits 5", "[replay][errors]") {
  Lab lab;
  TempDir dir;
  std::ofstream(dir.path + "/junk.json") << R"({"hello": "world"})";
  const auto junk = lab.run({"replay", dir.path + "/junk.json", "--format", "json"});
  CHECK(junk.exit_code == 4);
  CHECK(junk.json()["error"]["class"] == "transcript_unusable");
  CHECK(lab.run({"replay", dir.path + "/missing.json", "--format", "json"}).exit_code == 5);
}
