// `authctx doctor`: checks of the local Kerberos / GSS-API set-up, each a Check with a
// stable id, a status (ok, warn, fail, skip), one plain sentence of detail, a failure class
// and hint for warn/fail (the same classes and hints as handshake errors, report/classify.hpp)
// and structured data (keytab entries, ticket kvno and enctype, ...).
//
// Contract: run_doctor never throws for a broken set-up (that is what it reports) and never
// hangs: every network operation is bounded (TCP connect and KDC exchanges have deadlines),
// and checks that need a KDC are skipped when none answered. It uses the krb5 API directly
// (krb5_init_context honours KRB5_CONFIG, KRB5CCNAME and KRB5_KTNAME) and never changes the
// user's ccache: service tickets are fetched into a MEMORY copy of the TGT.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "gss/handles.hpp"

namespace authctx::doctor {

struct DoctorOptions {
  std::string target;  // empty: no target checks
  gss::TargetType target_type = gss::TargetType::hostbased;
  std::string keytab;  // empty: KRB5_KTNAME or the library default
  std::string ccache;  // empty: KRB5CCNAME or the library default
};

enum class Status { ok, warn, fail, skip };
std::string_view status_name(Status s);

struct Check {
  std::string check;  // stable id: "krb5_config", "kdc_reachable", "keytab_kvno", ...
  Status status = Status::ok;
  std::string detail;  // one sentence
  std::string cls;     // failure class for warn/fail ("" when none)
  std::string hint;    // next step for warn/fail/skip ("" when none)
  nlohmann::ordered_json data = nlohmann::ordered_json::object();
};

struct Report {
  std::vector<Check> checks;
  bool failed() const;
};

// The check ids, in the order they appear in a report.
inline constexpr const char* k_check_ids[] = {"krb5_config", "default_realm", "kdc_reachable", "ccache",
                                              "tgt",         "clock_offset",  "target",        "keytab",
                                              "keytab_kvno", "mechanisms"};

Report run_doctor(const DoctorOptions& options);

// {"schema":"authctx/1","command":"doctor","checks":[...],"summary":{...},"error":...}
nlohmann::ordered_json to_json(const Report& report);

}  // namespace authctx::doctor
