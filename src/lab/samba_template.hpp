// The provisioned domain every AD lab starts from, made once per machine and copied per lab.
//
// Provisioning a Samba domain takes 5-10 s on an idle machine (tens of seconds on a busy
// one) and the first start of a fresh DC spends seconds more making its TLS key, while
// copying the result takes a fraction of a second. Nothing in a provisioned tree depends on
// where it lives or which address it serves (measured: with the DNS backend off the address
// and folder appear only in smb.conf, which each lab writes anew), so a copy is a complete,
// independent DC. lease_template() returns the template folder, creating it under the
// cache if needed (exclusive lock), and holds a shared lock while the caller copies it
// (copy_template), so a template is never copied half-made or while being replaced.
//
// The template is `samba-tool domain provision` of AD.AUTHCTX.TEST (DC dc1, no DNS backend,
// no --adminpass: provisioning draws its own and the lab never uses it, since each lab sets
// Administrator's password anew), then the lab's accounts, made with samba-tool and random
// passwords (alice; hostsvc with host/localhost; websvc with HTTP/localhost; ldap/localhost
// on the DC), the DC's own SPNs (samba_spnupdate) and one start of the DC so that its TLS
// key exists. Its folder name carries the Samba version and a format number, so an upgrade
// or a change here makes a new one (older ones are removed). Every account's password and
// kvno differs per lab; the domain's SID and the krbtgt and DC keys are the template's.
#pragma once
#include <filesystem>

#include "lab/file_lock.hpp"
#include "lab/samba.hpp"

namespace authctx::lab {

// $AUTHCTX_CACHE_DIR, else /var/cache/authctx (the AD lab runs as root).
std::filesystem::path cache_dir();

struct TemplateLease {
  std::filesystem::path dir;  // the template's samba tree (etc, private, state, bind-dns)
  FileLock lock;              // shared: held while copying
};

// Throws util::setup_error (lab_template_failed, lab_template_busy) when the template cannot
// be made or another process holds the lock for too long.
TemplateLease lease_template(const SambaTools& tools);

// Copies the template's databases into paths.root (folders and regular files only: no
// sockets, no pid or lock files), mode 0700/0600.
void copy_template(const std::filesystem::path& template_dir, const SambaPaths& paths);

}  // namespace authctx::lab
