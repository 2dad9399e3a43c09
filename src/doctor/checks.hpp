// The doctor's individual checks (internal to src/doctor). run_doctor calls them in order
// over one State, and each later check reads what the earlier ones found: the realm and
// KDCs from the config, the TGT from the ccache, the issued service ticket from the target
// check, which the keytab check then tries to decrypt. A check whose inputs are missing
// returns `skip` naming what it lacked, rather than repeating an earlier failure.
#pragma once
#include <krb5/krb5.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "doctor/doctor.hpp"
#include "doctor/hints.hpp"
#include "krb5/enctypes.hpp"
#include "krb5/handles.hpp"
#include "krb5/scoped.hpp"
#include "net/socket.hpp"

namespace authctx::doctor {

using krb5::Ccache;
using krb5::CredsPtr;
using krb5::Keytab;
using krb5::PrincipalPtr;
using krb5::TicketPtr;
using krb5::unparse;
using krb5::weak_enctype;

// {"id": 18, "name": "aes256-cts-hmac-sha1-96"} (the contract's enctype shape).
nlohmann::ordered_json enctype_json(krb5_enctype e);

struct KdcEntry {
  std::string entry;                      // as written in krb5.conf ("127.0.0.1:8888", "tcp/kdc.example.com")
  std::optional<net::Endpoint> endpoint;  // nullopt: not a TCP/UDP address we can try
  bool reachable = false;
};

struct KeytabEntry {
  std::string principal;
  krb5_kvno kvno = 0;
  krb5_enctype enctype = 0;
};

struct State {
  explicit State(const DoctorOptions& o) : options(o) {}
  const DoctorOptions& options;
  krb5::Context krb;
  std::string realm;  // default realm, "" when none
  std::vector<KdcEntry> kdcs;
  std::unique_ptr<Ccache> ccache;              // open when it exists and names a principal
  std::string client;                          // the ccache's principal
  CredsPtr tgt{nullptr, {nullptr}};            // a usable (unexpired) TGT
  CredsPtr service_creds{nullptr, {nullptr}};  // the ticket the KDC issued for the target
  TicketPtr service_ticket{nullptr, {nullptr}};
  std::unique_ptr<Keytab> keytab;  // open and readable
  std::vector<KeytabEntry> keytab_entries;

  bool any_kdc_reachable() const;
};

// Timeouts: every network operation the doctor starts is bounded by these.
inline constexpr std::chrono::milliseconds k_connect_timeout{3000};
inline constexpr std::chrono::milliseconds k_exchange_timeout{5000};

Check make_check(std::string id, Status status, std::string detail);
// Sets status, class and hint (from hints.hpp) on c.
void set_problem(Check& c, Status status, const ClassHint& ch);

Check check_krb5_config(State& s);
Check check_default_realm(State& s);
std::vector<Check> check_kdcs(State& s);  // one kdc_reachable check per kdc entry
Check check_ccache(State& s);
Check check_tgt(State& s);
Check check_clock_offset(State& s);
Check check_target(State& s);
Check check_keytab(State& s);
Check check_keytab_kvno(State& s);
Check check_mechanisms();

}  // namespace authctx::doctor
