// authctx::lab: a throwaway Kerberos realm on loopback: MIT's KDC (AUTHCTX.TEST, the
// default) or a Samba Active Directory domain controller (AD.AUTHCTX.TEST, samba_lab.hpp).
//
// up() builds a lab in a folder (a new temporary one by default; a given folder must not
// exist or be empty): configuration (config.hpp), database, alice and two services with their
// keytab (kadmin.hpp), an NTLM user file, `krb5kdc -n` on a free 127.0.0.1 port (kdc.hpp),
// alice's TGT in the lab ccache (credentials.hpp), and DIR/lab.json (state.hpp). Everything
// stays inside the folder (replay cache included), files 0600, folders 0700, so labs can run
// in parallel. If any step fails, up() stops the KDC it started and removes what it made,
// then throws util::setup_error with a sentence saying what to do.
// down() stops only that lab's KDC (verified by /proc before any signal) and removes the
// folder; it refuses folders without a lab.json. ScopedLab ties a lab to a C++ scope.
// The AD flavour works the same way from the outside (up, down, ScopedLab); samba_lab.hpp
// says what differs inside.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>

#include "lab/state.hpp"

namespace authctx::lab {

struct UpOptions {
  std::filesystem::path dir;           // empty: a new folder under $TMPDIR or /tmp
  std::optional<std::uint16_t> port;   // MIT only; empty: a free port
  Flavour kdc = Flavour::mit;
  std::string address;                 // samba only; empty: a free 127.0.0.N
};

LabInfo up(const UpOptions& options);

struct DownResult {
  pid_t kdc_pid = 0;
  bool kdc_was_running = false;
};
// Stops the lab's KDC (or DC) and removes its folder. Throws util::setup_error if dir is not
// a lab or the KDC would not stop.
DownResult down(const std::filesystem::path& dir);

// A lab that lives as long as this object (for `lab exec`, `lab demo` and tests).
class ScopedLab {
 public:
  explicit ScopedLab(const UpOptions& options = {}) : info_(up(options)) {}
  ~ScopedLab();
  ScopedLab(const ScopedLab&) = delete;
  ScopedLab& operator=(const ScopedLab&) = delete;
  const LabInfo& info() const { return info_; }
  // Tears the lab down now (also done by the destructor); throws like down().
  void close();

 private:
  LabInfo info_;
  bool closed_ = false;
};

}  // namespace authctx::lab
