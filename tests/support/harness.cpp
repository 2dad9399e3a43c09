#include "support/harness.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace authctx::test {

bool has(const nlohmann::json& arr, const std::string& v) {
  if (!arr.is_array()) return false;
  for (const auto& x : arr)
    if (x == v) return true;
  return false;
}

nlohmann::json Run::json() const {
  INFO("stdout: " << out << "\nstderr: " << err);
  nlohmann::json doc;
  REQUIRE_NOTHROW(doc = nlohmann::json::parse(out));
  return doc;
}

Run run_authctx_in_thread(const std::vector<std::string>& args, const util::Environment& env,
                          const std::string& stdin_data, std::chrono::milliseconds timeout) {
  util::RunOptions opts;
  opts.argv.push_back(AUTHCTX_BINARY);
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.env = util::current_environment(env);
  opts.stdin_data = stdin_data;
  opts.timeout = timeout;
  const auto r = util::run(opts);
  return Run{r.timed_out ? -2 : r.exit_code, r.out, r.timed_out ? r.err + "\n(timed out)" : r.err};
}

Run run_authctx(const std::vector<std::string>& args, const util::Environment& env, const std::string& stdin_data,
                std::chrono::milliseconds timeout) {
  util::RunOptions opts;
  opts.argv.push_back(AUTHCTX_BINARY);
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.env = util::current_environment(env);
  opts.stdin_data = stdin_data;
  opts.timeout = timeout;
  const auto r = util::run(opts);
  INFO("authctx timed out: " << args.size());
  REQUIRE_FALSE(r.timed_out);
  return Run{r.exit_code, r.out, r.err};
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "authctx-test-XXXXXX").string();
  REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  path = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

Lab::Lab() : Lab(std::vector<std::string>{}) {}

Lab::Lab(const std::vector<std::string>& up_args) {
  TempDir parent;
  dir_ = parent.path;
  parent.path.clear();  // ownership moves to `lab down`
  std::filesystem::remove(dir_);
  std::vector<std::string> args{"lab", "up", "--dir", dir_, "--format", "json"};
  args.insert(args.end(), up_args.begin(), up_args.end());
  const auto r = run_authctx(args, {}, {}, std::chrono::seconds(600));
  INFO("lab up stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  info_ = r.json();
  for (const auto& [k, v] : info_.at("env").items()) env_[k] = v.get<std::string>();
}

Lab::~Lab() {
  const auto r = run_authctx({"lab", "down", "--dir", dir_});
  if (r.exit_code != 0) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string Lab::path(const std::string& key) const { return info_.at("paths").at(key).get<std::string>(); }

Run Lab::run(const std::vector<std::string>& args, const util::Environment& extra,
             const std::string& stdin_data) const {
  auto env = env_;
  for (const auto& [k, v] : extra) env[k] = v;
  return run_authctx(args, env, stdin_data);
}

Run Lab::run_in_thread(const std::vector<std::string>& args, const util::Environment& extra) const {
  auto env = env_;
  for (const auto& [k, v] : extra) env[k] = v;
  return run_authctx_in_thread(args, env);
}

util::RunResult Lab::kadmin(const std::string& query) const {
  util::RunOptions opts;
  const auto prog = util::find_program("kadmin.local");
  REQUIRE(prog.has_value());
  opts.argv = {*prog, "-q", query};
  opts.env = util::current_environment(env_);
  const auto r = util::run(opts);
  INFO("kadmin.local -q " << query << ": " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

Background::Background(const std::vector<std::string>& args, const util::Environment& env) {
  const auto out = dir_.path + "/stdout";
  const auto err = dir_.path + "/stderr";
  const auto full_env = util::current_environment(env);
  std::vector<std::string> argv{AUTHCTX_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : full_env) env_strings.push_back(k + "=" + v);
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<char*> cenv;
  for (auto& e : env_strings) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    const int in_fd = ::open("/dev/null", O_RDONLY);
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execve(cargv[0], cargv.data(), cenv.data());
    ::_exit(127);
  }
}

Background::~Background() {
  if (exit_code_ < 0 && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

int Background::wait_for_port(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::regex re(R"(listening on (\[[0-9a-f:]+\]|[0-9.]+):([0-9]+))");
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const auto text = err();
    if (std::regex_search(text, m, re)) return std::stoi(m[2].str());
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      FAIL("the server exited with " << exit_code_ << " before listening: " << text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("the server did not report a listening port: " << err());
  return -1;
}

void Background::signal(int sig) const { ::kill(pid_, sig); }

int Background::wait(std::chrono::milliseconds timeout) {
  if (exit_code_ >= 0) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

std::string Background::out() const { return slurp(dir_.path + "/stdout"); }
std::string Background::err() const { return slurp(dir_.path + "/stderr"); }

std::vector<nlohmann::json> Background::documents() const {
  std::vector<nlohmann::json> docs;
  std::istringstream lines(out());
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    INFO("server output line: " << line);
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(line));
    docs.push_back(j);
  }
  return docs;
}

int Background::open_fds() const {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

RawClient::RawClient(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd_ >= 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

void RawClient::send(const std::vector<std::uint8_t>& bytes) const {
  REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
}

std::vector<std::uint8_t> RawClient::read_all(std::chrono::milliseconds timeout) const {
  std::vector<std::uint8_t> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    std::uint8_t buf[4096];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  return out;
}

void RawClient::reset() {
  linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace authctx::test
