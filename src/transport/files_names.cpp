#include "transport/files_names.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "transport/records.hpp"
#include "util/errors.hpp"
#include "util/process.hpp"

namespace authctx::transport {
namespace {
constexpr std::string_view k_i2a = "initiator-to-acceptor";
constexpr std::string_view k_a2i = "acceptor-to-initiator";

struct KindEntry {
  std::uint8_t type;
  std::string_view kind;
};
constexpr KindEntry k_kinds[] = {
    {wire::hello, "hello.json"}, {wire::token, "token"},         {wire::accepted, "accepted.json"},
    {wire::error, "error.json"}, {wire::wrap, "wrap"},           {wire::mic, "mic"},
    {wire::bye, "bye"},          {wire::results, "results.json"}};

bool all_of(std::string_view s, bool (*pred)(char)) {
  for (const char c : s)
    if (!pred(c)) return false;
  return !s.empty();
}
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::string FileName::text() const {
  char num[16];
  std::snprintf(num, sizeof num, "%03d", number);
  return session + "-" + num + "-" + std::string(from == Role::initiator ? k_i2a : k_a2i) + "." + kind;
}

std::optional<FileName> FileName::parse(std::string_view name) {
  const auto d1 = name.find('-');
  if (d1 == std::string_view::npos) return std::nullopt;
  const auto d2 = name.find('-', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  FileName f;
  const auto session = name.substr(0, d1);
  const auto number = name.substr(d1 + 1, d2 - d1 - 1);
  if (session.size() < 8 || session.size() > 32 || !all_of(session, is_hex)) return std::nullopt;
  if (number.size() < 3 || number.size() > 6 || !all_of(number, is_digit)) return std::nullopt;
  auto rest = name.substr(d2 + 1);
  if (rest.starts_with(k_i2a))
    f.from = Role::initiator;
  else if (rest.starts_with(k_a2i))
    f.from = Role::acceptor;
  else
    return std::nullopt;
  rest.remove_prefix(k_i2a.size());
  if (rest.size() < 2 || rest[0] != '.') return std::nullopt;
  f.session = std::string(session);
  f.number = std::stoi(std::string(number));
  f.kind = std::string(rest.substr(1));
  return f;
}

std::string kind_of_frame(std::uint8_t type) {
  for (const auto& k : k_kinds)
    if (k.type == type) return std::string(k.kind);
  char buf[16];
  std::snprintf(buf, sizeof buf, "frame-%02x", type);
  return buf;
}

std::optional<std::uint8_t> frame_of_kind(std::string_view kind) {
  for (const auto& k : k_kinds)
    if (k.kind == kind) return k.type;
  return std::nullopt;
}

std::string random_hex(int bytes) {
  static thread_local std::random_device rd;
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(rd() & 0xff));
    out += buf;
  }
  return out;
}

void write_exclusive(const std::filesystem::path& dir, const std::string& name, const util::Bytes& data) {
  const auto final_path = dir / name;
  const auto tmp = dir / (".authctx-tmp-" + std::to_string(::getpid()) + "-" + random_hex(4));
  util::Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) throw util::transport_error("files_io", "cannot create " + tmp.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  int err = 0;
  while (done < data.size()) {
    const auto n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd.get(), 0600);  // never wider than 0600, whatever the umask
  // fsync: on a shared mount the peer may read on another machine right after the link.
  if (err == 0 && ::fsync(fd.get()) != 0 && errno != EINVAL) err = errno;
  // close(2) reports deferred write errors (NFS): check it rather than letting Fd close.
  if (::close(fd.release()) != 0 && err == 0) err = errno;
  if (err == 0 && ::link(tmp.c_str(), final_path.c_str()) != 0) {
    err = errno;
    // Some shared file systems (SMB, some FUSE) have no hard links: fall back to rename,
    // which is still atomic for readers but checks for an existing name only beforehand.
    if ((err == EPERM || err == EOPNOTSUPP || err == ENOSYS || err == EMLINK) &&
        ::access(final_path.c_str(), F_OK) != 0)
      err = ::rename(tmp.c_str(), final_path.c_str()) == 0 ? 0 : errno;
  }
  ::unlink(tmp.c_str());
  if (err == EEXIST)
    throw util::transport_error("files_conflict", "the file " + final_path.string() + " already exists",
                                "two exchanges claim the same session: remove the folder's stale files");
  if (err != 0)
    throw util::transport_error("files_io", "cannot write " + final_path.string() + ": " + std::strerror(err));
}

DirWatch::DirWatch(const std::filesystem::path& dir) {
  fd_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  // IN_CREATE covers link(2), IN_MOVED_TO rename(2): the two ways a final name appears.
  if (fd_ && ::inotify_add_watch(fd_.get(), dir.c_str(), IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0) fd_.reset();
}

void DirWatch::drain() const {
  char buf[4096];
  while (fd_ && ::read(fd_.get(), buf, sizeof buf) > 0) {}
}

void DirWatch::wait(std::chrono::milliseconds wait) const {
  pollfd p{fd_.get(), POLLIN, 0};
  if (::poll(&p, fd_ ? 1 : 0, static_cast<int>(wait.count())) > 0) drain();
}

std::vector<std::string> list_dir(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr)
    throw util::transport_error("files_io", "cannot list " + dir.string() + ": " + std::strerror(errno));
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;  // ".", "..", our temporary and claimed names, dotfiles
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  return names;
}

std::optional<util::Bytes> claim_and_read(const std::filesystem::path& dir, const std::string& name,
                                          std::size_t max_bytes) {
  const auto from = dir / name;
  const auto to = dir / (".authctx-claim-" + std::to_string(::getpid()) + "-" + random_hex(4));
  if (::rename(from.c_str(), to.c_str()) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw util::transport_error("files_io", "cannot claim " + from.string() + ": " + std::strerror(errno));
  }
  struct stat st {};
  const util::Fd fd(::open(to.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd || ::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    ::unlink(to.c_str());
    throw util::transport_error("files_io", "cannot read " + from.string() + ": " + std::strerror(err));
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    ::unlink(to.c_str());
    throw util::transport_error("token_too_large",
                                "the peer's file " + name + " holds " + std::to_string(st.st_size) +
                                    " bytes, over the limit of " + std::to_string(max_bytes) + " bytes",
                                "raise --max-token-size if the peer is genuine (large PACs make big tickets)");
  }
  util::Bytes data(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::read(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::unlink(to.c_str());
  data.resize(done);
  return data;
}

std::string format_seconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", seconds);
  return buf;
}

std::string format_seconds(std::chrono::milliseconds d) {
  return format_seconds(static_cast<double>(d.count()) / 1000.0);
}

}  // namespace authctx::transport
