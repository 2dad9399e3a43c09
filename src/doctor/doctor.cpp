// The doctor's driver: the checks in the order a Kerberos login happens (config → realm →
// KDCs → ccache/TGT → clock → service ticket → keytab), then the GSS mechanisms.
#include "doctor/doctor.hpp"

#include <algorithm>

#include "doctor/checks.hpp"
#include "gss/inquire.hpp"

namespace authctx::doctor {

nlohmann::ordered_json enctype_json(krb5_enctype e) { return {{"id", e}, {"name", gss::enctype_name(e)}}; }

std::string_view status_name(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::warn: return "warn";
    case Status::fail: return "fail";
    case Status::skip: return "skip";
  }
  return "fail";
}

bool Report::failed() const {
  return std::any_of(checks.begin(), checks.end(), [](const Check& c) { return c.status == Status::fail; });
}

bool State::any_kdc_reachable() const {
  return std::any_of(kdcs.begin(), kdcs.end(), [](const KdcEntry& k) { return k.reachable; });
}

Check make_check(std::string id, Status status, std::string detail) {
  Check c;
  c.check = std::move(id);
  c.status = status;
  c.detail = std::move(detail);
  return c;
}

void set_problem(Check& c, Status status, const ClassHint& ch) {
  c.status = status;
  c.cls = ch.cls;
  c.hint = ch.hint;
}

Report run_doctor(const DoctorOptions& options) {
  State s(options);
  Report r;
  r.checks.push_back(check_krb5_config(s));
  r.checks.push_back(check_default_realm(s));
  for (auto& c : check_kdcs(s)) r.checks.push_back(std::move(c));
  r.checks.push_back(check_ccache(s));
  r.checks.push_back(check_tgt(s));
  r.checks.push_back(check_clock_offset(s));
  r.checks.push_back(check_target(s));
  r.checks.push_back(check_keytab(s));
  r.checks.push_back(check_keytab_kvno(s));
  r.checks.push_back(check_mechanisms());
  return r;
}

nlohmann::ordered_json to_json(const Report& report) {
  nlohmann::ordered_json doc{{"schema", "authctx/1"}, {"command", "doctor"}};
  auto checks = nlohmann::ordered_json::array();
  nlohmann::ordered_json summary{{"ok", 0}, {"warn", 0}, {"fail", 0}, {"skip", 0}};
  const Check* first_fail = nullptr;
  for (const auto& c : report.checks) {
    const std::string status(status_name(c.status));
    nlohmann::ordered_json j{{"check", c.check}, {"status", status}, {"detail", c.detail}};
    j["class"] = c.cls.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.cls);
    j["hint"] = c.hint.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.hint);
    j["data"] = c.data;
    checks.push_back(std::move(j));
    summary[status] = summary[status].get<int>() + 1;
    if (c.status == Status::fail && first_fail == nullptr) first_fail = &c;
  }
  doc["ok"] = first_fail == nullptr;
  doc["checks"] = std::move(checks);
  doc["summary"] = std::move(summary);
  // The contract: every non-zero exit carries an `error` object; here it names the first
  // failing check, whose class and hint it repeats.
  if (first_fail != nullptr) {
    doc["error"] = {
        {"stage", "doctor"},
        {"check", first_fail->check},
        {"message", first_fail->check + ": " + first_fail->detail},
        {"class", first_fail->cls.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(first_fail->cls)},
        {"hint", first_fail->hint}};
  } else {
    doc["error"] = nullptr;
  }
  return doc;
}

}  // namespace authctx::doctor
