#include "util/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "util/process.hpp"

namespace authctx::util {
namespace {
std::string errno_text(const std::string& what, const std::filesystem::path& path, int err) {
  return what + " " + path.string() + ": " + std::strerror(err);
}

std::string strip_line(std::string s) {
  const auto nl = s.find_first_of("\r\n");
  if (nl != std::string::npos) s.resize(nl);
  return s;
}
}  // namespace

void write_private_file(const std::filesystem::path& path, std::string_view data) {
  std::random_device rd;
  auto tmp = path;
  tmp += ".tmp" + std::to_string(rd() % 1000000);
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) throw FileError(errno_text("cannot create", tmp, errno));
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      fd.reset();
      ::unlink(tmp.c_str());
      throw FileError(errno_text("cannot write", tmp, err));
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd.get(), 0600);  // the umask may have narrowed it further; never widen beyond 0600
  // close(2) reports deferred write errors: check it rather than letting Fd close.
  if (::close(fd.release()) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw FileError(errno_text("cannot write", path, err));
  }
}

std::string read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw FileError(errno_text("cannot read", path, errno));
  std::string out;
  char buf[65536];
  for (;;) {
    const auto n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw FileError(errno_text("cannot read", path, errno));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes)
      throw FileError("file " + path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string read_password_file(const std::filesystem::path& path) { return strip_line(read_file(path, 1u << 16)); }

std::string read_password_stream(std::FILE* stream) {
  std::string line;
  int c = 0;
  while ((c = std::fgetc(stream)) != EOF && c != '\n') {
    if (line.size() >= (1u << 16)) throw FileError("password on standard input is too long");
    line += static_cast<char>(c);
  }
  return strip_line(line);
}

}  // namespace authctx::util
