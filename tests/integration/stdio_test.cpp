// `authctx client --stdio` and `authctx server --stdio`: two processes joined by a pair of
// FIFOs for each mechanism, the document's place (--output or stderr, never stdout), the
// Negotiate prefix, malformed base64 and a pipe closed mid-handshake.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include "support/harness.hpp"
#include "util/base64.hpp"
#include "util/files.hpp"

using authctx::test::Lab;
using authctx::test::TempDir;
using nlohmann::json;

namespace {

// An authctx process whose stdin and stdout are the given paths (FIFOs), opened in the
// child in the order given so two such processes never wait on each other's open(2).
// Killed on destruction if still running.
class Piped {
 public:
  Piped(const std::vector<std::string>& args, const authctx::util::Environment& env, const std::string& in,
        const std::string& out, const std::string& err, bool out_first) {
    std::vector<std::string> argv{AUTHCTX_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> envs;
    for (const auto& [k, v] : authctx::util::current_environment(env)) envs.push_back(k + "=" + v);
    std::vector<char*> cargv, cenv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    for (auto& e : envs) cenv.push_back(e.data());
    cenv.push_back(nullptr);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(e, 2);
      int o = -1, i = -1;
      if (out_first) o = ::open(out.c_str(), O_WRONLY);
      i = ::open(in.c_str(), O_RDONLY);
      if (!out_first) o = ::open(out.c_str(), O_WRONLY);
      ::dup2(i, 0);
      ::dup2(o, 1);
      ::execve(cargv[0], cargv.data(), cenv.data());
      ::_exit(127);
    }
  }
  ~Piped() {
    if (code_ < 0) {
      ::kill(pid_, SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
    }
  }
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (code_ < 0 && std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) code_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      else std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return code_;
  }

 private:
  pid_t pid_ = -1;
  int code_ = -1;
};

json read_json(const std::string& path) { return json::parse(authctx::util::read_file(path)); }

// The base64 paragraphs of a token stream.
std::vector<std::string> paragraphs(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line, cur;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += line;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}
}  // namespace

TEST_CASE("stdio: client and server joined by two FIFOs complete krb5 and spnego and ntlm", "[stdio][mechs]") {
  Lab lab;
  TempDir dir;
  const auto mech = GENERATE(std::string("krb5"), std::string("spnego"), std::string("ntlm"));
  const bool prefix = GENERATE(false, true);
  const auto c2s = dir.path + "/c2s", s2c = dir.path + "/s2c";
  REQUIRE(::mkfifo(c2s.c_str(), 0600) == 0);
  REQUIRE(::mkfifo(s2c.c_str(), 0600) == 0);
  std::vector<std::string> extra;
  if (prefix) extra.push_back("--negotiate-prefix");
  std::vector<std::string> sargs{"server", "--stdio", "--timeout", "20", "--format", "json",
                                 "--output", dir.path + "/server.json"};
  std::vector<std::string> cargs{"client", "--stdio", "--mech", mech, "--timeout", "20", "--format", "json",
                                 "--output", dir.path + "/client.json"};
  sargs.insert(sargs.end(), extra.begin(), extra.end());
  cargs.insert(cargs.end(), extra.begin(), extra.end());
  Piped server(sargs, lab.env(), c2s, s2c, dir.path + "/server.err", false);
  Piped client(cargs, lab.env(), s2c, c2s, dir.path + "/client.err", true);
  const int cc = client.wait();
  const int sc = server.wait();
  INFO("client stderr: " << authctx::util::read_file(dir.path + "/client.err"));
  INFO("server stderr: " << authctx::util::read_file(dir.path + "/server.err"));
  REQUIRE(cc == 0);
  REQUIRE(sc == 0);
  const auto doc = read_json(dir.path + "/client.json");
  CHECK(doc["established"] == true);
  CHECK(doc["transport"]["kind"] == "stdio");
  CHECK(doc["transport"]["negotiate_prefix"] == prefix);
  CHECK(doc["legs"].size() == (mech == "ntlm" ? 3u : 2u));
  // One round: our wrap (proved by the acceptor's MIC) and the MIC itself.
  REQUIRE(doc["messages"].size() == 2);
  for (const auto& m : doc["messages"]) CHECK(m["ok"] == true);
  bool no_report = false;
  for (const auto& w : doc["warnings"]) no_report = no_report || w["class"] == "no_acceptor_report";
  CHECK(no_report);
  const auto sdoc = read_json(dir.path + "/server.json");
  CHECK(sdoc["command"] == "server");
  CHECK(sdoc["established"] == true);
  CHECK(sdoc["legs"].size() == doc["legs"].size());
  REQUIRE(sdoc["messages"].size() == 2);
  CHECK(sdoc["messages"][0]["kind"] == "wrap");
  CHECK(sdoc["messages"][0]["ok"] == true);
  CHECK(sdoc["messages"][0]["conf"] == true);
  if (mech != "ntlm") CHECK(sdoc["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
}

TEST_CASE("stdio: stdout carries only tokens and the document goes to stderr: a closed pipe is exit 3",
          "[stdio][output][closed]") {
  Lab lab;
  const bool prefix = GENERATE(false, true);
  std::vector<std::string> args{"client", "--stdio", "--mech", "krb5", "--timeout", "10", "--format", "json"};
  if (prefix) args.push_back("--negotiate-prefix");
  // Empty stdin: the client sends leg 1 and then finds the acceptor's side closed.
  const auto r = lab.run(args, {}, "");
  CHECK(r.exit_code == 3);
  const auto tokens = paragraphs(r.out);
  REQUIRE(tokens.size() == 1);
  auto b64 = tokens[0];
  if (prefix) {
    REQUIRE(b64.rfind("Negotiate ", 0) == 0);
    b64 = b64.substr(10);
  }
  const auto token = authctx::util::base64_decode(b64);
  REQUIRE(token.has_value());
  CHECK(token->at(0) == 0x60);  // a GSS initial context token (RFC 2743 §3.1)
  // stderr: the JSON document, then the one sentence.
  const auto brace = r.err.rfind("\n}");
  REQUIRE(brace != std::string::npos);
  const auto doc = json::parse(r.err.substr(0, brace + 2));
  CHECK(doc["command"] == "client");
  CHECK(doc["legs"].size() == 1);
  CHECK(doc["error"]["class"] == "closed_early");
  CHECK_THAT(r.err.substr(brace + 2), Catch::Contains("closed its output"));
}

TEST_CASE("stdio: a server whose client goes away mid-handshake exits 3", "[stdio][closed][ntlm]") {
  Lab lab;
  TempDir dir;
  // NTLM's first token, taken from a client whose acceptor never answers.
  const auto first = lab.run({"client", "--stdio", "--mech", "ntlm", "--timeout", "10", "--format", "json"}, {}, "");
  REQUIRE(paragraphs(first.out).size() == 1);
  const auto r = lab.run({"server", "--stdio", "--timeout", "10", "--format", "json", "--output",
                          dir.path + "/server.json"},
                         {}, first.out);
  CHECK(r.exit_code == 3);
  CHECK(paragraphs(r.out).size() == 1);  // the server answered with its CHALLENGE
  const auto doc = read_json(dir.path + "/server.json");
  CHECK(doc["legs"].size() == 2);
  CHECK(doc["legs"][1]["decoded"]["type"] == "ntlm.challenge");
  CHECK(doc["error"]["class"] == "closed_early");
}

TEST_CASE("stdio: malformed base64 is a clear error with exit 3", "[stdio][malformed]") {
  Lab lab;
  TempDir dir;
  const auto input = GENERATE(std::string("this is not base64!\n\n"), std::string("Negotiate ***\n\n"));
  const auto r = lab.run({"server", "--stdio", "--timeout", "10", "--format", "json", "--output",
                          dir.path + "/server.json"},
                         {}, input);
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  const auto doc = read_json(dir.path + "/server.json");
  CHECK(doc["error"]["class"] == "malformed_token");
  CHECK_THAT(r.err, Catch::Contains("line 1 of standard input is not a base64 token"));
}

TEST_CASE("stdio: a token split over several lines with blank lines around it is one token", "[stdio][format]") {
  Lab lab;
  TempDir dir;
  const auto first = lab.run({"client", "--stdio", "--mech", "krb5", "--no-mutual", "--messages", "0", "--timeout",
                              "10", "--format", "json"},
                             {}, "");
  // Without mutual authentication the client is done after leg 1 and exits 0.
  REQUIRE(first.exit_code == 0);
  auto b64 = paragraphs(first.out).at(0);
  std::string folded = "\n\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) folded += b64.substr(i, 64) + "\r\n";
  folded += "\n";
  const auto r = lab.run({"server", "--stdio", "--timeout", "10", "--format", "json", "--output",
                          dir.path + "/server.json"},
                         {}, folded);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const auto doc = read_json(dir.path + "/server.json");
  CHECK(doc["established"] == true);
  CHECK(doc["legs"].size() == 1);
  CHECK(doc["messages"].empty());
}
