// Tests of authctx::lab against a real KDC, through the library (no authctx binary needed).
// Exit code 77 (skip) when the MIT KDC programs are not installed.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "util/errors.hpp"
#include "lab/credentials.hpp"
#include "lab/kdc.hpp"
#include "lab/lab.hpp"
#include "lab/ports.hpp"
#include "support/harness.hpp"
#include "util/files.hpp"

namespace lab = authctx::lab;
namespace fs = std::filesystem;

namespace {
void require_kdc_programs() {
  try {
    lab::find_tools();
  } catch (const authctx::util::Error&) {
    WARN("krb5-kdc / krb5-admin-server not installed: skipping");
    std::exit(77);
  }
}
}  // namespace

TEST_CASE("lab: the ccache holds alice's pre-authenticated TGT, got without kinit", "[lab][realm]") {
  require_kdc_programs();
  lab::ScopedLab scoped;
  const auto& info = scoped.info();
  const auto cc = lab::read_ccache(info.paths().krb5_conf, info.paths().ccache);
  CHECK(cc.client == "alice@AUTHCTX.TEST");
  REQUIRE(cc.entries.size() == 1);
  CHECK(cc.entries[0].server == "krbtgt/AUTHCTX.TEST@AUTHCTX.TEST");
  CHECK(cc.entries[0].pre_authent);
  // max_life is 24 h; the KDC may cross a second boundary between its timestamps.
  CHECK(cc.entries[0].lifetime_seconds > 24 * 3600 - 5);
  CHECK(cc.entries[0].lifetime_seconds <= 24 * 3600);
  CHECK(authctx::util::read_password_file(info.paths().password_file) == info.password);
}

TEST_CASE("lab: the password in the lab gets a fresh TGT from the lab's own KDC", "[lab][realm]") {
  require_kdc_programs();
  lab::ScopedLab scoped;
  const auto& info = scoped.info();
  const auto second = fs::path(info.dir) / "second.ccache";
  lab::get_initial_tgt(info.paths().krb5_conf, info.user, info.password, second);
  CHECK(lab::read_ccache(info.paths().krb5_conf, second).client == "alice@AUTHCTX.TEST");
  try {
    lab::get_initial_tgt(info.paths().krb5_conf, info.user, "wrong-password", second);
    FAIL("a wrong password got a TGT");
  } catch (const authctx::util::Error& e) {
    CHECK(std::string(e.what()).find("Preauthentication failed") != std::string::npos);
  }
}

TEST_CASE("lab: a ScopedLab stops its KDC and removes its folder when closed", "[lab][realm]") {
  require_kdc_programs();
  fs::path dir;
  pid_t pid = 0;
  {
    lab::ScopedLab scoped;
    dir = scoped.info().dir;
    pid = scoped.info().kdc_pid;
    CHECK(lab::is_lab_kdc(pid, scoped.info().paths().kdc_conf));
    CHECK(lab::port_accepts(scoped.info().kdc_port));
    const auto use = lab::port_use(scoped.info().kdc_port, pid);
    CHECK(use.tcp_listeners_of_pid == 1);
    CHECK(use.foreign_sockets == 0);
  }
  CHECK_FALSE(authctx::util::process_alive(pid));
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("lab: a KDC of another lab is never taken for ours", "[lab][realm]") {
  require_kdc_programs();
  lab::ScopedLab a;
  lab::ScopedLab b;
  CHECK(a.info().kdc_port != b.info().kdc_port);
  CHECK(lab::is_lab_kdc(a.info().kdc_pid, a.info().paths().kdc_conf));
  CHECK_FALSE(lab::is_lab_kdc(a.info().kdc_pid, b.info().paths().kdc_conf));
  // stop_kdc refuses a PID that is not this lab's KDC: a's KDC survives b's kdc.conf.
  lab::stop_kdc(a.info().kdc_pid, b.info().paths().kdc_conf);
  CHECK(authctx::util::process_alive(a.info().kdc_pid));
}

TEST_CASE("lab: a busy --port is refused before anything is created", "[lab][realm]") {
  require_kdc_programs();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const auto port = ntohs(addr.sin_port);

  authctx::test::TempDir parent;
  const auto dir = fs::path(parent.path) / "lab";
  try {
    lab::up(lab::UpOptions{dir, port});
    FAIL("lab came up on a busy port");
  } catch (const authctx::util::Error& e) {
    CHECK(e.error_class() == "lab_port_busy");
    CHECK(std::string(e.what()).find("Port " + std::to_string(port) + " on 127.0.0.1 is already in use") !=
          std::string::npos);
    CHECK(e.hint().find("--port") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir));
  ::close(fd);
}

TEST_CASE("lab: a folder that is not empty is refused and left alone", "[lab][realm]") {
  require_kdc_programs();
  authctx::test::TempDir dir;
  authctx::util::write_private_file(dir.path + "/keep.txt", "mine");
  try {
    lab::up(lab::UpOptions{dir.path, std::nullopt});
    FAIL("lab came up in a non-empty folder");
  } catch (const authctx::util::Error& e) {
    CHECK(e.error_class() == "lab_dir_unusable");
    CHECK(std::string(e.what()).find("not empty") != std::string::npos);
  }
  CHECK(authctx::util::read_file(dir.path + "/keep.txt") == "mine");
}
