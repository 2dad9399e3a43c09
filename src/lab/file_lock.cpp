#include "lab/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "util/errors.hpp"

namespace authctx::lab {

std::optional<FileLock> FileLock::acquire(const std::filesystem::path& path, Mode mode,
                                          std::chrono::milliseconds timeout) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw util::setup_error("lab_dir_unusable", "Cannot open the lock file " + path.string() + ": " +
                                                    std::strerror(errno) + ".",
                            "Check that authctx runs as root and that the folder is writable.");
  const int op = (mode == Mode::shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // flock has no timeout of its own; polling with LOCK_NB keeps every wait bounded.
  while (::flock(fd, op) != 0) {
    if ((errno != EWOULDBLOCK && errno != EINTR) || std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return FileLock(fd);
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace authctx::lab
