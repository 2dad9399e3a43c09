// Load runs (`client --count --concurrency --duration --fresh-tickets`, `local --count`)
// against real servers in a lab realm: parallelism seen by the server, the duration honoured,
// outcomes counted by class, KDC requests, progress on a terminal and in JSON Lines.
// Functional checks only: figures belong to scripts/bench-handshakes.
#include <signal.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include "support/harness.hpp"
#include "support/load_summary.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

using authctx::test::Background;
using authctx::test::check_phase;
using authctx::test::Lab;
using authctx::test::TempDir;
using nlohmann::json;

namespace {

std::string addr(int port) { return "127.0.0.1:" + std::to_string(port); }

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line))
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

// The most connections a jsonl server had open at once, from its event stream: a
// "connection" event opens one, its "result" event closes it.
int most_at_once(const std::vector<json>& events) {
  std::set<int> open;
  std::size_t most = 0;
  for (const auto& e : events) {
    if (!e.contains("connection")) continue;
    const int id = e["connection"].get<int>();
    if (e["event"] == "connection") open.insert(id);
    if (e["event"] == "result") open.erase(id);
    most = std::max(most, open.size());
  }
  return static_cast<int>(most);
}
}  // namespace

TEST_CASE("load: --concurrency runs handshakes in parallel and the server sees overlapping connections",
          "[load][concurrency]") {
  Lab lab;
  Background server({"--format", "jsonl", "server", "--listen", "127.0.0.1:0", "--max-connections", "8"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--count", "60", "--concurrency", "4",
                          "--messages", "2", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["command"] == "client");
  CHECK(doc["established"] == true);
  CHECK(doc["error"].is_null());
  const auto& s = doc["summary"];
  CHECK(s["runs"] == 60);
  CHECK(s["established"] == 60);
  CHECK(s["failed"] == 0);
  CHECK(s["concurrency"] == 4);
  CHECK(s["stopped_by"] == "count");
  CHECK(s["handshakes_per_second"].get<double>() > 0);
  check_phase(s["phases"]["total"], 60);
  check_phase(s["phases"]["connect"], 60);
  check_phase(s["phases"]["context"], 60);
  check_phase(s["phases"]["messages"], 60);
  CHECK(s["phases"]["application"].is_null());  // TCP has no phase of its own after the context
  CHECK(doc["outcomes"] == json{{"established", 60}});
  CHECK(doc["failures"].empty());
  // The first run is kept in full, the acceptor's report included.
  const auto& first = doc["runs"]["first"]["document"];
  CHECK(first["established"] == true);
  CHECK(first["legs"].size() == 2);
  CHECK(first["legs"][0]["decoded"]["type"] == "gss.initial_context_token");
  CHECK(first["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
  CHECK(first["messages"].size() == 12);
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);
  const auto events = json_lines(server.out());
  int results = 0;
  for (const auto& e : events)
    if (e["event"] == "result") ++results;
  CHECK(results == 60);
  CHECK(most_at_once(events) >= 2);
}

TEST_CASE("load: --duration stops on time", "[load][duration]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--documents", "failures", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = lab.run(
      {"client", "--connect", addr(port), "--mech", "krb5", "--duration", "2", "--messages", "0", "--format", "json"});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto& s = doc["summary"];
  CHECK(s["stopped_by"] == "duration");
  CHECK(s["duration_s"] == 2);
  CHECK(s["runs"].get<int>() > 10);
  CHECK(s["runs"] == s["established"]);
  CHECK(s["total_ms"].get<double>() >= 2000);
  CHECK(s["total_ms"].get<double>() < 4000);
  CHECK(wall < 10);
  // --documents failures: the successful connections left no document.
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);
  CHECK(server.documents().empty());
}

TEST_CASE("load: outcomes are counted by class when a service's keytab goes stale mid-run", "[load][outcomes]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--documents", "failures", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  // Every handshake asks the KDC for a new ticket; halfway the service is rekeyed, so the
  // server's keytab is stale for every ticket issued after that.
  auto client = std::async(std::launch::async, [&] {
    return lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--duration", "4", "--fresh-tickets",
                    "--messages", "0", "--format", "json"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  lab.kadmin("cpw -randkey host/localhost");
  const auto r = client.get();
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["established"] == false);
  const auto& s = doc["summary"];
  const int ok = doc["outcomes"].value("established", 0);
  const int stale = doc["outcomes"].value("keytab_kvno_mismatch", 0);
  CHECK(ok > 0);
  CHECK(stale > 0);
  CHECK(ok + stale == s["runs"].get<int>());
  CHECK(s["failed"] == stale);
  REQUIRE(doc["failures"].size() == 1);
  const auto& f = doc["failures"][0];
  CHECK(f["class"] == "keytab_kvno_mismatch");
  CHECK(f["count"] == stale);
  CHECK(f["first_run"].get<int>() > 1);
  // The first error of the class in full, and its run's document with the KRB-ERROR leg.
  CHECK(f["error"]["side"] == "acceptor");
  CHECK(f["error"]["minor"]["text"].get<std::string>().find("kvno") != std::string::npos);
  CHECK(f["document"]["error"]["class"] == "keytab_kvno_mismatch");
  REQUIRE(f["document"]["legs"].size() == 2);
  CHECK(f["document"]["legs"][1]["direction"] == "acceptor->initiator");
  CHECK(doc["error"]["class"] == "keytab_kvno_mismatch");
  CHECK(doc["first_failure"]["run"] == f["first_run"]);
  // Every handshake fetched its own ticket.
  CHECK(s["kdc_requests"] == s["runs"]);
  CHECK(r.err.find("keytab_kvno_mismatch") != std::string::npos);
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);
  const auto docs = server.documents();  // the failures only
  CHECK(static_cast<int>(docs.size()) == stale);
  for (const auto& d : docs) CHECK(d["error"]["class"] == "keytab_kvno_mismatch");
}

TEST_CASE("load: --fresh-tickets makes a KDC request per handshake and a cached ticket makes none", "[load][kdc]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto fresh = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--count", "6", "--fresh-tickets",
                              "--messages", "0", "--format", "json"});
  INFO(fresh.err);
  REQUIRE(fresh.exit_code == 0);
  const auto fresh_doc = fresh.json();
  const auto& fs = fresh_doc["summary"];
  CHECK(fs["fresh_tickets"] == true);
  CHECK(fs["kdc_requests"] == 6);
  check_phase(fs["phases"]["kdc"], 6);
  // The lab's ccache holds only the TGT: a load run fetches the service ticket once, into
  // its own copy of the cache, and reuses it.
  const auto cached = lab.run(
      {"client", "--connect", addr(port), "--mech", "krb5", "--count", "6", "--messages", "0", "--format", "json"});
  REQUIRE(cached.exit_code == 0);
  CHECK(cached.json()["summary"]["kdc_requests"] == 1);
  CHECK(cached.json()["summary"]["phases"]["kdc"]["count"] == 1);
  // The copy is the load run's own: the user's ccache did not get the ticket.
  const auto klist = authctx::util::find_program("klist");
  REQUIRE(klist);
  authctx::util::RunOptions o;
  o.argv = {*klist};
  o.env = authctx::util::current_environment(lab.env());
  const auto list = authctx::util::run(o);
  CHECK(list.out.find("host/localhost") == std::string::npos);
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
}

TEST_CASE("load: the progress line appears on a terminal and never in the JSON", "[load][progress]") {
  Lab lab;
  const auto script = authctx::util::find_program("script");
  if (!script) {
    WARN("script (bsdutils) is not installed");
    std::exit(77);
  }
  TempDir tmp;
  const std::string out = tmp.path + "/summary.json";
  // script(1) gives the command a terminal; the summary goes to --output.
  std::string command =
      std::string(AUTHCTX_BINARY) + " --format json --output " + out + " local --mech krb5 --duration 1.2 --messages 0";
  authctx::util::RunOptions o;
  o.argv = {*script, "-qfec", command, "/dev/null"};
  o.env = authctx::util::current_environment(lab.env());
  const auto r = authctx::util::run(o);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\r\x1b[Kauthctx: ") != std::string::npos);
  CHECK(r.out.find(" handshakes ") != std::string::npos);
  const auto text = authctx::util::read_file(out);
  CHECK(text.find("handshakes ") == std::string::npos);
  const auto doc = json::parse(text);
  CHECK(doc["summary"]["stopped_by"] == "duration");
  CHECK(doc["summary"]["runs"].get<int>() > 0);
  // Without a terminal there is no progress line; JSON Lines gets progress events instead.
  const auto jl = lab.run({"--format", "jsonl", "local", "--mech", "krb5", "--duration", "2.2", "--messages", "0"});
  REQUIRE(jl.exit_code == 0);
  CHECK(jl.err.find("handshakes") == std::string::npos);
  const auto events = json_lines(jl.out);
  int progress = 0;
  for (const auto& e : events) {
    CHECK(e["schema"] == "authctx/1");
    if (e["event"] == "progress") {
      ++progress;
      CHECK(e["runs"].get<int>() > 0);
      CHECK(e["failed"] == 0);
      CHECK(e.contains("handshakes_per_second"));
    }
  }
  CHECK(progress >= 2);
  REQUIRE(!events.empty());
  CHECK(events.back()["event"] == "result");
  CHECK(events.back()["summary"]["runs"].get<int>() > 0);
}

TEST_CASE("load: local --count gives the same summary in memory", "[load][local]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--count", "40", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["command"] == "local");
  CHECK(doc["established"] == true);
  CHECK(doc["mech"]["name"] == "krb5");
  const auto& s = doc["summary"];
  CHECK(s["runs"] == 40);
  CHECK(s["established"] == 40);
  check_phase(s["phases"]["context"], 40);
  check_phase(s["phases"]["messages"], 40);
  CHECK(s["phases"]["connect"].is_null());
  const auto& first = doc["runs"]["first"]["document"];
  CHECK(first["initiator"]["source_name"] == "alice@AUTHCTX.TEST");
  CHECK(first["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
  CHECK(first["messages"].size() == 6);
  // The text view shows the same summary: the counts, the KDC requests and a row per phase.
  const auto text = lab.run({"--format", "text", "--color", "never", "local", "--mech", "krb5", "--count", "40"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("runs 40: 40 established, 0 failed  (concurrency 1, ended by count)") != std::string::npos);
  CHECK(text.out.find("KDC requests 1") != std::string::npos);
  CHECK(text.out.find("\n  context      40 ") != std::string::npos);
  CHECK(text.out.find("\n  messages     40 ") != std::string::npos);
  CHECK(text.out.find("\n  connect ") == std::string::npos);
  // A single handshake is still one full document.
  const auto one = lab.run({"local", "--mech", "krb5", "--format", "json"});
  REQUIRE(one.exit_code == 0);
  CHECK(one.json().contains("legs"));
  CHECK_FALSE(one.json().contains("summary"));
}

TEST_CASE("load: the load options need a connection", "[load][usage]") {
  Lab lab;
  TempDir dir;
  const auto r = lab.run({"client", "--files", dir.path, "--concurrency", "2", "--format", "json"});
  CHECK(r.exit_code == 2);
  CHECK(r.json()["error"]["class"] == "usage");
  CHECK(r.err.find("--concurrency") != std::string::npos);
}

TEST_CASE("load: --expect checks every run of a load run and the summary tallies them", "[load][policy]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--count", "12", "--concurrency", "2", "--messages", "0",
                          "--expect", "mech=krb5", "--expect", "legs<=1", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 6);
  const auto doc = r.json();
  CHECK(doc["summary"]["established"] == 12);
  REQUIRE(doc["expectations"].size() == 2);
  CHECK(doc["expectations"][0]["ok"] == true);
  CHECK(doc["expectations"][0]["runs"]["passed"] == 12);
  CHECK(doc["expectations"][1]["ok"] == false);
  CHECK(doc["expectations"][1]["runs"]["failed"] == 12);
  CHECK(doc["expectations"][1]["actual"] == 2);
  CHECK(doc["error"]["class"] == "expectation_failed");
}
