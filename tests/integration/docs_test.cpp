// The docs stay in step with the binary: the man page renders without warnings, every long
// option of every subcommand's --help (subcommands found from `authctx --help`, so new ones
// are covered automatically) is in the man page and in the bash, zsh and fish completions,
// the bash completion really completes, and `cmake --install` puts everything in place.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/harness.hpp"
#include "util/process.hpp"

using authctx::test::run_authctx;
using authctx::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string source_file(const std::string& relative) {
  std::ifstream in(std::string(AUTHCTX_SOURCE_DIR) + "/" + relative);
  INFO("reading " << relative);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Names listed under "Subcommands:" in a CLI11 help text.
std::vector<std::string> subcommands_in(const std::string& help) {
  std::vector<std::string> names;
  std::istringstream in(help);
  std::string line;
  bool in_section = false;
  static const std::regex entry(R"(^  ([a-z][a-z0-9-]*)\s)");
  while (std::getline(in, line)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_section = true;
      continue;
    }
    if (!in_section) continue;
    std::smatch m;
    if (std::regex_search(line, m, entry)) names.push_back(m[1]);
    else if (!line.empty() && line[0] != ' ') in_section = false;
  }
  return names;
}

// Long options defined in a CLI11 help text: lines such as "  --mech TEXT" or "  -h,--help".
std::set<std::string> long_options_in(const std::string& help) {
  std::set<std::string> opts;
  std::istringstream in(help);
  std::string line;
  static const std::regex option(R"(^\s+(?:-[A-Za-z],)?(--[a-z0-9][a-z0-9-]*))");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, option)) opts.insert(m[1]);
  }
  return opts;
}

struct Command {
  std::string path;  // "" for the top level, "local", "lab up", ...
  std::set<std::string> options;
};

// Every (sub)command and its options, walking the help tree from `authctx --help`.
std::vector<Command> all_commands() {
  std::vector<Command> out;
  std::vector<std::string> todo{""};
  while (!todo.empty()) {
    const auto path = todo.back();
    todo.pop_back();
    std::vector<std::string> args;
    std::istringstream words(path);
    for (std::string w; words >> w;) args.push_back(w);
    args.push_back("--help");
    const auto r = run_authctx(args);
    INFO("authctx " << path << " --help");
    REQUIRE(r.exit_code == 0);
    out.push_back({path, long_options_in(r.out)});
    for (const auto& sub : subcommands_in(r.out)) todo.push_back(path.empty() ? sub : path + " " + sub);
  }
  return out;
}

authctx::util::RunResult run_program(const std::vector<std::string>& argv, const std::string& stdin_data = {}) {
  authctx::util::RunOptions o;
  o.argv = argv;
  o.stdin_data = stdin_data;
  o.timeout = std::chrono::seconds(60);
  return authctx::util::run(o);
}

// The bash completion's own list for a subcommand ("" = global options).
std::string bash_options_for(const std::string& path) {
  const std::string script = "source '" + std::string(AUTHCTX_SOURCE_DIR) + "/completions/authctx.bash'; " +
                             (path.empty() ? std::string("echo \"$_authctx_global_opts\"") : "_authctx_opts_for '" + path + "'");
  const auto r = run_program({"bash", "-c", script});
  REQUIRE(r.exit_code == 0);
  return " " + std::regex_replace(r.out, std::regex(R"(\s+)"), " ") + " ";
}

// What bash offers for the given words (the last one is being completed).
std::vector<std::string> bash_complete(const std::string& words) {
  const std::string script = "source '" + std::string(AUTHCTX_SOURCE_DIR) +
                             "/completions/authctx.bash'; read -ra COMP_WORDS <<< \"$1\"; "
                             "[[ \"$1\" == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); "
                             "_authctx; printf '%s\\n' \"${COMPREPLY[@]}\"";
  const auto r = run_program({"bash", "-c", script, "bash", words});
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string man_form(const std::string& option) {  // --max-token-size -> \-\-max\-token\-size
  std::string out;
  for (char c : option) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

}  // namespace

TEST_CASE("docs: the man page renders without warnings under groff -man -ww", "[docs][man]") {
  if (!authctx::util::find_program("groff")) std::exit(77);
  const auto r = run_program({"groff", "-man", "-ww", "-z", std::string(AUTHCTX_SOURCE_DIR) + "/man/authctx.1"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
}

TEST_CASE("docs: the help tree lists the contract's subcommands", "[docs]") {
  std::set<std::string> paths;
  for (const auto& c : all_commands()) paths.insert(c.path);
  for (const char* expected : {"local", "client", "server", "decode", "mechs", "doctor", "lab", "lab up", "lab down",
                               "lab env", "lab exec", "lab demo", "lab ad", "lab ad enctypes", "lab ad rekey",
                               "lab ad spn", "lab ad delegation", "lab ad ldap-signing"})
    CHECK(paths.count(expected) == 1);
}

TEST_CASE("docs: every long option of every subcommand is in the man page and the three completions",
          "[docs][man][completions]") {
  const auto man = source_file("man/authctx.1");
  const auto zsh = source_file("completions/_authctx");
  const auto fish = source_file("completions/authctx.fish");
  std::size_t checked = 0;
  for (const auto& cmd : all_commands()) {
    const auto bash = bash_options_for(cmd.path);
    for (const auto& opt : cmd.options) {
      INFO("authctx " << cmd.path << " " << opt);
      ++checked;
      CHECK(man.find(man_form(opt)) != std::string::npos);
      CHECK(bash.find(" " + opt + " ") != std::string::npos);
      CHECK(zsh.find(opt) != std::string::npos);
      CHECK(fish.find("-l " + opt.substr(2) + " ") != std::string::npos);
    }
    // The subcommand itself is documented and completed.
    if (!cmd.path.empty()) {
      const auto last = cmd.path.substr(cmd.path.rfind(' ') + 1);
      INFO("subcommand " << cmd.path);
      CHECK(man.find(".SS \"authctx " + cmd.path) != std::string::npos);
      CHECK(zsh.find("'" + last + ":") != std::string::npos);
      CHECK(fish.find("-a " + last + " ") != std::string::npos);
    }
  }
  CHECK(checked > 60);
}

TEST_CASE("docs: fish offers each subcommand's own options when fish is installed", "[docs][completions]") {
  if (!authctx::util::find_program("fish")) std::exit(77);
  const std::string source = "source '" + std::string(AUTHCTX_SOURCE_DIR) + "/completions/authctx.fish'; ";
  for (const auto& cmd : all_commands()) {
    if (cmd.path.empty()) continue;
    const auto r = run_program({"fish", "-c", source + "complete -C 'authctx " + cmd.path + " --'"});
    REQUIRE(r.exit_code == 0);
    for (const auto& opt : cmd.options) {
      INFO("fish: authctx " << cmd.path << " " << opt);
      CHECK(r.out.find(opt + "\t") != std::string::npos);
    }
  }
}

TEST_CASE("docs: the zsh completion is valid zsh when zsh is installed", "[docs][completions]") {
  if (!authctx::util::find_program("zsh")) std::exit(77);
  const auto r = run_program({"zsh", "-n", std::string(AUTHCTX_SOURCE_DIR) + "/completions/_authctx"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
}

TEST_CASE("docs: the bash completion completes subcommands, lab commands and option values", "[docs][completions]") {
  CHECK(bash_complete("authctx lo") == std::vector<std::string>{"local"});
  const auto top = bash_complete("authctx ");
  for (const char* sub : {"local", "client", "server", "decode", "lab", "doctor", "mechs"}) CHECK(has(top, sub));
  CHECK(bash_complete("authctx local --mech ") == std::vector<std::string>{"krb5", "spnego", "ntlm", "iakerb"});
  CHECK(bash_complete("authctx --format json client --mech sp") == std::vector<std::string>{"spnego"});
  CHECK(bash_complete("authctx lab ") == std::vector<std::string>{"up", "down", "env", "exec", "demo", "ad"});
  CHECK(bash_complete("authctx lab ad ") ==
        std::vector<std::string>{"enctypes", "rekey", "spn", "delegation", "ldap-signing"});
  CHECK(bash_complete("authctx lab up --kdc ") == std::vector<std::string>{"mit", "samba"});
  CHECK(bash_complete("authctx lab ad ldap-signing --mode r") == std::vector<std::string>{"require", "relax"});
  CHECK(bash_complete("authctx --format ") == std::vector<std::string>{"auto", "json", "jsonl", "text"});
  CHECK(bash_complete("authctx server --framing ") == std::vector<std::string>{"authctx", "gss-sample"});
  CHECK(bash_complete("authctx local --target-type p") == std::vector<std::string>{"principal"});
  CHECK(bash_complete("authctx --color n") == std::vector<std::string>{"never"});
  const auto client_opts = bash_complete("authctx client --co");
  CHECK(has(client_opts, "--connect"));
  CHECK(has(client_opts, "--conf"));
  CHECK(has(client_opts, "--count"));
  CHECK(!has(client_opts, "--keytab"));
}

TEST_CASE("docs: the bash completion offers files after --keytab and folders after --dir", "[docs][completions]") {
  TempDir dir;
  std::ofstream(dir.path + "/service.keytab") << "x";
  fs::create_directory(dir.path + "/labdir");
  const auto files = bash_complete("authctx local --keytab " + dir.path + "/s");
  CHECK(files == std::vector<std::string>{dir.path + "/service.keytab"});
  const auto dirs = bash_complete("authctx lab up --dir " + dir.path + "/");
  CHECK(dirs == std::vector<std::string>{dir.path + "/labdir"});
}

TEST_CASE("docs: cmake --install puts the binary, man page and three completions under the prefix", "[docs][install]") {
  const auto cmake = authctx::util::find_program("cmake");
  if (!cmake) std::exit(77);
  // AUTHCTX_BINARY is <build>/cli/authctx.
  const auto build = fs::path(AUTHCTX_BINARY).parent_path().parent_path();
  TempDir prefix;
  const auto r = run_program({*cmake, "--install", build.string(), "--prefix", prefix.path});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const fs::path p(prefix.path);
  CHECK(fs::is_regular_file(p / "bin/authctx"));
  CHECK((fs::status(p / "bin/authctx").permissions() & fs::perms::owner_exec) != fs::perms::none);
  CHECK(fs::is_regular_file(p / "share/man/man1/authctx.1"));
  CHECK(fs::is_regular_file(p / "share/bash-completion/completions/authctx"));
  CHECK(fs::is_regular_file(p / "share/zsh/vendor-completions/_authctx"));
  CHECK(fs::is_regular_file(p / "share/fish/vendor_completions.d/authctx.fish"));
  // The installed binary runs.
  const auto v = run_program({(p / "bin/authctx").string(), "--version"});
  CHECK(v.exit_code == 0);
  CHECK(v.out.rfind("authctx ", 0) == 0);
}
