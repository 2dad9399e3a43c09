// An advisory lock (flock(2)) on a file, held for the lifetime of a FileLock object.
//
// Used where several authctx processes share machine-wide state: the cached Samba template
// (one provisions it, the others copy it) and the table of loopback addresses claimed by
// AD labs. Acquisition is bounded: acquire() retries a non-blocking lock until its deadline
// and then returns nullopt, so a stuck holder never hangs `lab up`. The lock file is
// created 0600 if missing and is never removed (removing a lock file races with lockers).
#pragma once
#include <chrono>
#include <filesystem>
#include <optional>

namespace authctx::lab {

class FileLock {
 public:
  enum class Mode { shared, exclusive };

  // Locks path (creating it and its folder, 0700, if needed). nullopt when the deadline
  // passes; throws util::setup_error when the file cannot be opened at all.
  static std::optional<FileLock> acquire(const std::filesystem::path& path, Mode mode,
                                         std::chrono::milliseconds timeout);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace authctx::lab
