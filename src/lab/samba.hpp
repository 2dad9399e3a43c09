// The AD lab's Samba programs and its domain controller process.
//
// find_samba_tools() locates samba, samba-tool and samba_spnupdate (Debian packages
// samba-ad-dc, samba-ad-provision, samba-dsdb-modules, winbind) and ldbmodify/ldbsearch
// (ldb-tools), or throws util::setup_error (lab_packages_missing) naming the packages;
// require_root() throws lab_needs_root (Samba runs as root and binds ports below 1024).
// start_samba() runs `samba --foreground -M single` (one process, so the PID we get is the
// DC's) with the lab's smb.conf and waits, bounded, until that PID listens on the KDC (88)
// and LDAP (389) ports of the lab's address and both accept connections. A DC that exits
// while starting is reported with the tail of its log (lab_kdc_died), one that never
// becomes ready is killed (lab_kdc_not_ready). Samba rewrites its process title and clears
// its environment block, so is_lab_samba() recognises the lab's DC by its executable and by
// an open file inside the lab's samba/ folder (its pid file and databases), never by name.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "lab/samba_config.hpp"
#include "util/process.hpp"

namespace authctx::lab {

struct SambaTools {
  std::string samba, samba_tool, samba_spnupdate, ldbmodify, ldbsearch;
};
SambaTools find_samba_tools();

// Throws util::setup_error (lab_needs_root) unless running as root.
void require_root();

pid_t start_samba(const SambaTools& tools, const SambaPaths& paths, const std::string& address,
                  const std::filesystem::path& log, const util::Environment& env,
                  std::chrono::milliseconds ready_timeout = std::chrono::seconds(60));

// True if pid is a live samba holding a file under samba_root open.
bool is_lab_samba(pid_t pid, const std::filesystem::path& samba_root);

// SIGTERM to the DC's process group, a bounded wait, then SIGKILL. Does nothing unless
// is_lab_samba(pid, samba_root). Returns true if the DC is gone afterwards (or was not running).
bool stop_samba(pid_t pid, const std::filesystem::path& samba_root,
                std::chrono::milliseconds grace = std::chrono::seconds(5));

}  // namespace authctx::lab
