#include "lab/loopback.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "util/errors.hpp"
#include "lab/file_lock.hpp"
#include "lab/ports.hpp"
#include "util/files.hpp"

namespace authctx::lab {
namespace fs = std::filesystem;
namespace {

// 127.0.0.2 .. 127.0.0.254: .1 is everybody's, .0 and .255 are not host addresses.
constexpr int k_first = 2;
constexpr int k_last = 254;
// A lab whose claim is older than this and still has no lab.json died while coming up.
constexpr auto k_claim_grace = std::chrono::minutes(5);

std::string address_of(int n) { return "127.0.0." + std::to_string(n); }

// The lab folder a claim names, or "" when unreadable.
fs::path claim_owner(const fs::path& claim) {
  try {
    auto text = util::read_file(claim, 4096);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
  } catch (const std::exception&) {
    return {};
  }
}

bool claim_is_stale(const fs::path& claim, const std::string& address) {
  const fs::path owner = claim_owner(claim);
  std::error_code ec;
  if (owner.empty() || !fs::is_directory(owner, ec)) return true;
  const fs::path state = owner / "lab.json";
  if (fs::exists(state, ec)) {
    try {
      const auto doc = nlohmann::json::parse(util::read_file(state, 1u << 20));
      return doc.value(nlohmann::json::json_pointer("/dc/address"), std::string()) != address;
    } catch (const std::exception&) {
      return false;  // being rewritten: leave it alone
    }
  }
  const auto age = fs::file_time_type::clock::now() - fs::last_write_time(claim, ec);
  return !ec && age > k_claim_grace;
}

// Creates the claim file for address naming lab_dir; false if someone else holds it.
bool try_claim(const fs::path& dir, const std::string& address, const fs::path& lab_dir) {
  const fs::path claim = dir / address;
  std::error_code ec;
  if (fs::exists(claim, ec)) {
    if (!claim_is_stale(claim, address)) return false;
    fs::remove(claim, ec);
  }
  const int fd = ::open(claim.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const std::string text = lab_dir.string() + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) fs::remove(claim, ec);
  return ok;
}

[[noreturn]] void none_free(const std::string& what) {
  throw util::setup_error("lab_address_busy", what,
                          "Stop AD labs you no longer need (`authctx lab down --dir DIR`), or free the ports, "
                          "then retry.");
}

}  // namespace

fs::path claims_dir() {
  if (const char* env = std::getenv("AUTHCTX_RUN_DIR"); env != nullptr && *env != '\0')
    return fs::path(env) / "addresses";
  return "/run/authctx/addresses";
}

bool dc_ports_free(const std::string& address) {
  for (const auto port : k_dc_tcp_ports) {
    bool udp = false;
    for (const auto u : k_dc_udp_ports) udp = udp || u == port;
    if (!bindable(address, port, udp)) return false;
  }
  return true;
}

std::string claim_address(const fs::path& lab_dir, const std::string& wanted) {
  const fs::path dir = claims_dir();
  // The lock makes "is it stale? take it over" one step, so two processes never both
  // decide to replace the same stale claim.
  auto lock = FileLock::acquire(dir / ".lock", FileLock::Mode::exclusive, std::chrono::seconds(30));
  if (!lock) none_free("Another authctx held the loopback address table for 30 s.");
  ::chmod(dir.c_str(), 0700);

  if (!wanted.empty()) {
    if (!dc_ports_free(wanted))
      none_free("Something already uses a domain controller port (88, 389, 464, 636, 3268 or 3269) on " + wanted +
                ".");
    if (!try_claim(dir, wanted, lab_dir)) none_free(wanted + " is already claimed by another AD lab.");
    return wanted;
  }
  // Start at a random N so that parallel labs rarely probe the same addresses first.
  std::random_device rd;
  const int span = k_last - k_first + 1;
  const int start = static_cast<int>(rd() % static_cast<unsigned>(span));
  for (int i = 0; i < span; ++i) {
    const std::string address = address_of(k_first + (start + i) % span);
    if (fs::exists(dir / address) && !claim_is_stale(dir / address, address)) continue;
    if (!dc_ports_free(address)) continue;
    if (try_claim(dir, address, lab_dir)) return address;
  }
  none_free("No address in 127.0.0.2-254 has the domain controller ports free.");
}

void release_address(const std::string& address, const fs::path& lab_dir) {
  if (address.empty()) return;
  const fs::path claim = claims_dir() / address;
  std::error_code ec;
  if (claim_owner(claim) == lab_dir) fs::remove(claim, ec);
}

}  // namespace authctx::lab
