// File helpers for secrets: every file authctx writes that may hold a token, a key or a
// password is created with mode 0600, atomically (temporary name in the same folder, then
// rename), so a reader never sees half a file. Errors throw FileError with the path and
// strerror text; callers in cli/ map them to exit 5.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace authctx::util {

class FileError : public std::runtime_error {
 public:
  explicit FileError(const std::string& what) : std::runtime_error(what) {}
};

// Writes data to path with mode 0600, replacing it atomically.
void write_private_file(const std::filesystem::path& path, std::string_view data);
// Reads a whole file, refusing files larger than max_bytes (no unbounded allocation).
std::string read_file(const std::filesystem::path& path, std::size_t max_bytes = 64u << 20);
// Reads a password: the first line of a file (or of stdin for "-"), without its newline.
std::string read_password_file(const std::filesystem::path& path);
std::string read_password_stream(std::FILE* stream);

}  // namespace authctx::util
