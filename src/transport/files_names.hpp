// Folder primitives for the files transport (files_channel.hpp): parsing and formatting
// SESSION-NNN-DIRECTION.KIND, the frame type each KIND carries, a write that never replaces
// a file, a claim that lets exactly one reader consume a file, and a watch that wakes a
// reader when the folder changes. Standard library and POSIX only.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transport/frame.hpp"
#include "util/bytes.hpp"
#include "util/process.hpp"

namespace authctx::transport {

struct FileName {
  std::string session;          // lower-case hex
  int number = 0;               // 0 for the hellos, then 1, 2, ... in exchange order
  Role from = Role::initiator;  // who wrote it: initiator-to-acceptor or acceptor-to-initiator
  std::string kind;             // hello.json, token, accepted.json, error.json, wrap, mic, bye, results.json
  std::string text() const;
  // nullopt unless the name has exactly this shape (session of 8..32 hex digits, NNN of at
  // least three digits, a known direction, a non-empty kind).
  static std::optional<FileName> parse(std::string_view name);
};

// The KIND of an authctx record type (records.hpp), and back (nullopt for unknown kinds).
std::string kind_of_frame(std::uint8_t type);
std::optional<std::uint8_t> frame_of_kind(std::string_view kind);

// n random bytes as lower-case hex (std::random_device: the kernel's generator).
std::string random_hex(int bytes);

// Writes data to dir/name with mode 0600 through a hidden temporary name and link(2), so
// readers never see half a file and an existing name is never replaced (throws a transport
// error "files_conflict" if it exists, "files_io" on other failures).
void write_exclusive(const std::filesystem::path& dir, const std::string& name, const util::Bytes& data);

// inotify on a folder when the kernel offers it; fd() is -1 otherwise (callers then rescan
// with backoff, which they do anyway for writers on other machines of a shared mount).
class DirWatch {
 public:
  explicit DirWatch(const std::filesystem::path& dir);
  int fd() const { return fd_.get(); }
  void drain() const;  // consumes pending events (the caller rescans anyway)
  // Waits up to `wait` for the folder to change (or just sleeps without inotify).
  void wait(std::chrono::milliseconds wait) const;

 private:
  util::Fd fd_;
};

// The folder's entries, without dotfiles (ours are hidden: temporary and claimed names).
// Throws a transport error when the folder cannot be listed.
std::vector<std::string> list_dir(const std::filesystem::path& dir);

// Claims dir/name by renaming it to a private hidden name, then reads and removes it.
// nullopt when another reader claimed it first; a transport error (token_too_large) when it
// is larger than max_bytes.
std::optional<util::Bytes> claim_and_read(const std::filesystem::path& dir, const std::string& name,
                                          std::size_t max_bytes);

// "30 s", "1.5 s"
std::string format_seconds(std::chrono::milliseconds d);
std::string format_seconds(double seconds);

}  // namespace authctx::transport
