#include "lab/lab_dir.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/errors.hpp"

namespace authctx::lab {
namespace fs = std::filesystem;

void dir_unusable(const fs::path& dir, const std::string& why) {
  throw util::setup_error("lab_dir_unusable", "Cannot make a lab in " + dir.string() + ": " + why + ".",
                          "Give --dir a new or empty folder in a writable place, or omit --dir.");
}

std::pair<fs::path, bool> prepare_dir(const fs::path& requested) {
  std::error_code ec;
  std::pair<fs::path, bool> out;
  if (requested.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/authctx-lab-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) dir_unusable(tmpl, std::strerror(errno));
    out = {fs::path(tmpl), true};
  } else {
    const fs::path dir = fs::absolute(requested, ec).lexically_normal();
    if (ec) dir_unusable(requested, ec.message());
    if (fs::exists(dir, ec)) {
      if (!fs::is_directory(dir, ec)) dir_unusable(dir, "it exists and is not a folder");
      if (!fs::is_empty(dir, ec)) dir_unusable(dir, "the folder is not empty");
      if (::chmod(dir.c_str(), 0700) != 0) dir_unusable(dir, std::strerror(errno));
      out = {dir, false};
    } else {
      if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
      if (::mkdir(dir.c_str(), 0700) != 0) dir_unusable(dir, std::strerror(errno));
      out = {dir, true};
    }
  }
  if (out.first.string().find_first_of(" \t\n#;\"'\\") != std::string::npos) {
    std::error_code rm_ec;
    if (out.second) fs::remove(out.first, rm_ec);
    dir_unusable(out.first, "krb5.conf cannot name paths with spaces, quotes or comment characters");
  }
  return out;
}

void tighten_modes(const fs::path& dir, const fs::path& keep_folders) {
  std::error_code ec;
  const std::string keep = keep_folders.empty() ? std::string() : keep_folders.string();
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_symlink(ec)) continue;
    if (it->is_directory(ec)) {
      const std::string path = it->path().string();
      const bool kept = !keep.empty() && (path == keep || path.rfind(keep + "/", 0) == 0);
      if (!kept) ::chmod(it->path().c_str(), 0700);
    } else if (it->is_regular_file(ec)) {
      ::chmod(it->path().c_str(), 0600);
    }
  }
}

Rollback::~Rollback() {
  if (dismissed_) return;
  try {
    if (stop_) stop_();
  } catch (...) {  // a destructor must not throw; the files are removed regardless
  }
  std::error_code ec;
  if (remove_dir_) {
    fs::remove_all(dir_, ec);
  } else {
    for (const auto& entry : fs::directory_iterator(dir_, ec)) fs::remove_all(entry.path(), ec);
  }
}

}  // namespace authctx::lab
