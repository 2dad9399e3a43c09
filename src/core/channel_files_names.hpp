// Names and atomic writes for the files transport (channel_files.hpp): parsing and
// formatting SESSION-NNN-DIRECTION.KIND, the frame type each KIND carries, and a write that
// never replaces a file. Standard library and POSIX only.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/document.hpp"
#include "gss/buffer.hpp"

namespace authctx::core {

struct FileName {
  std::string session;  // lower-case hex
  int number = 0;       // 0 for the hellos, then 1, 2, ... in exchange order
  Direction direction = Direction::initiator_to_acceptor;
  std::string kind;     // hello.json, token, accepted.json, error.json, wrap, mic, bye, results.json
  std::string text() const;
  // nullopt unless the name has exactly this shape (session of 8..32 hex digits, NNN of at
  // least three digits, a known direction, a non-empty kind).
  static std::optional<FileName> parse(std::string_view name);
};

// The KIND of an authctx frame type (framing.hpp), and back (nullopt for unknown kinds).
std::string kind_of_frame(std::uint8_t type);
std::optional<std::uint8_t> frame_of_kind(std::string_view kind);

// n random bytes as lower-case hex (std::random_device: the kernel's generator).
std::string random_hex(int bytes);

// Writes data to dir/name with mode 0600 through a hidden temporary name and link(2), so
// readers never see half a file and an existing name is never replaced (throws a transport
// error "files_conflict" if it exists, "files_io" on other failures).
void write_exclusive(const std::filesystem::path& dir, const std::string& name, const gss::Bytes& data);

// "30 s", "1.5 s"
std::string format_seconds(std::chrono::milliseconds d);
std::string format_seconds(double seconds);

}  // namespace authctx::core
