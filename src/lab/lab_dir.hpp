// The lab folder, shared by both flavours (internal to src/lab).
//
// prepare_dir() makes or adopts the folder (a new temporary one by default; a given one must
// not exist or be empty; mode 0700; paths krb5.conf cannot name are refused). Rollback
// undoes a half-built lab unless dismissed: it runs the flavour's stop action (stopping
// its KDC or DC), then removes what the lab made. tighten_modes() leaves every regular file
// 0600 and every folder 0700, except the folders under keep_folders (a Samba DC checks the
// modes of its own, e.g. msg.lock must be 0755, and stops answering otherwise; the lab
// folder above them is 0700, so they stay private). ScopedUmask makes what the tools
// create private as well.
#pragma once
#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <string>
#include <utility>

namespace authctx::lab {

[[noreturn]] void dir_unusable(const std::filesystem::path& dir, const std::string& why);

// The lab folder (absolute, mode 0700) and whether we created it.
std::pair<std::filesystem::path, bool> prepare_dir(const std::filesystem::path& requested);

void tighten_modes(const std::filesystem::path& dir, const std::filesystem::path& keep_folders = {});

class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t old_;
};

class Rollback {
 public:
  Rollback(std::filesystem::path dir, bool remove_dir) : dir_(std::move(dir)), remove_dir_(remove_dir) {}
  ~Rollback();
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  // Run before the files are removed (e.g. stop the KDC that was started); replaces the last one.
  void on_rollback(std::function<void()> stop) { stop_ = std::move(stop); }
  void dismiss() { dismissed_ = true; }

 private:
  std::filesystem::path dir_;
  bool remove_dir_;
  std::function<void()> stop_;
  bool dismissed_ = false;
};

}  // namespace authctx::lab
