// Document-level policy (evaluate.hpp): the "expectations" array, the expectation_failed
// error, and the --count summary's tally.
#include "policy/evaluate.hpp"

namespace authctx::policy {
namespace {

Json entry_json(const Expectation& e, const Result& r) {
  Json j{{"expr", e.text}, {"ok", r.ok}, {"evaluated", r.evaluated}, {"expected", r.expected}, {"actual", r.actual}};
  if (!r.detail.empty()) j["detail"] = r.detail;
  if (!r.ok && r.evaluated && !r.hint.empty()) j["hint"] = r.hint;
  return j;
}

bool clean_success(const Json& doc) {
  return bool_at(doc, "established", false) && (!doc.contains("error") || doc["error"].is_null());
}

std::string one_failure(const Json& entry) {
  return string_at(entry, "expr") + " (expected " + string_at(entry, "expected") + ", actual " +
         actual_text(entry.contains("actual") ? entry["actual"] : Json()) + ")";
}
}  // namespace

void insert_before(Json& doc, const std::string& key, Json value, const std::string& before) {
  if (!doc.is_object()) return;
  if (doc.contains(key)) {
    doc[key] = std::move(value);
    return;
  }
  if (!doc.contains(before)) {
    doc[key] = std::move(value);
    return;
  }
  Json out = Json::object();
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() == before) out[key] = value;  // `before` occurs once: one copy
    out[it.key()] = std::move(it.value());
  }
  doc = std::move(out);
}

Json expectation_error(const Json& unmet, std::size_t total) {
  std::string list;
  for (const auto& u : unmet) list += (list.empty() ? "" : "; ") + one_failure(u);
  std::string hint = unmet.empty() ? std::string() : string_at(unmet.front(), "hint");
  if (unmet.size() > 1) hint += " (each entry of error.unmet has its own hint)";
  return Json{{"stage", "expectations"},
              {"side", nullptr},
              {"major", nullptr},
              {"minor", nullptr},
              {"message", std::to_string(unmet.size()) + " of " + std::to_string(total) +
                              (total == 1 ? " expectation" : " expectations") + " failed: " + list},
              {"class", "expectation_failed"},
              {"hint", hint},
              {"unmet", unmet}};
}

Outcome apply_expectations(Json& doc, const std::vector<Expectation>& expectations) {
  if (expectations.empty()) return Outcome::none;
  Json entries = Json::array();
  Json unmet = Json::array();
  const bool established = bool_at(doc, "established", false);
  for (const auto& e : expectations) {
    Result r;
    if (established) {
      r = evaluate(e, doc);
    } else {
      r.evaluated = false;
      r.expected = expected_words(e);
      r.actual = nullptr;
      r.detail = "not evaluated: the context was not established";
    }
    auto entry = entry_json(e, r);
    if (!r.ok && r.evaluated) {
      Json u{{"expr", e.text}, {"expected", r.expected}, {"actual", r.actual}};
      if (!r.detail.empty()) u["detail"] = r.detail;
      u["hint"] = r.hint;
      unmet.push_back(std::move(u));
    }
    entries.push_back(std::move(entry));
  }
  const bool clean = clean_success(doc);
  insert_before(doc, "expectations", std::move(entries), "warnings");
  if (!established) return Outcome::not_evaluated;
  if (unmet.empty()) return Outcome::passed;
  if (clean) doc["error"] = expectation_error(unmet, expectations.size());
  return Outcome::failed;
}

std::string failure_sentence(const Json& doc) {
  if (!doc.contains("error") || !doc["error"].is_object()) return {};
  const auto& e = doc["error"];
  if (string_at(e, "class") != "expectation_failed") return {};
  return string_at(e, "message");
}

RunTally::RunTally(const std::vector<Expectation>& expectations) {
  for (const auto& e : expectations) {
    Tally t;
    t.expr = e.text;
    t.expected = expected_words(e);
    tallies_.push_back(std::move(t));
  }
}

void RunTally::add(int run, const Json& entries) {
  if (!entries.is_array()) return;
  for (std::size_t i = 0; i < tallies_.size() && i < entries.size(); ++i) {
    auto& t = tallies_[i];
    const auto& e = entries[i];
    if (!bool_at(e, "evaluated", false)) {
      ++t.not_evaluated;
      continue;
    }
    if (t.first_actual.is_null()) t.first_actual = member(e, "actual");
    if (bool_at(e, "ok", false)) {
      ++t.passed;
      continue;
    }
    if (t.failed++ == 0) {
      t.first_failure = Json{{"run", run}, {"actual", member(e, "actual")}};
      if (e.contains("detail")) t.first_failure["detail"] = e["detail"];
      if (e.contains("hint")) t.first_failure["hint"] = e["hint"];
    }
  }
}

bool RunTally::any_failed() const {
  for (const auto& t : tallies_)
    if (t.failed > 0) return true;
  return false;
}

Json RunTally::entries() const {
  Json out = Json::array();
  for (const auto& t : tallies_) {
    const int runs = t.passed + t.failed + t.not_evaluated;
    Json j{{"expr", t.expr},
           {"ok", t.failed == 0 && t.passed > 0},
           {"evaluated", t.passed + t.failed > 0},
           {"expected", t.expected},
           {"actual", t.failed > 0 ? t.first_failure["actual"] : t.first_actual},
           {"detail", "passed in " + std::to_string(t.passed) + " of " + std::to_string(runs) + " runs" +
                          (t.failed > 0 ? ", failed in " + std::to_string(t.failed) + " (first: run " +
                                              std::to_string(t.first_failure["run"].get<int>()) + ")"
                                        : "") +
                          (t.not_evaluated > 0 ? ", not evaluated in " + std::to_string(t.not_evaluated) : "")},
           {"runs", Json{{"passed", t.passed}, {"failed", t.failed}, {"not_evaluated", t.not_evaluated}}}};
    if (t.failed > 0) {
      j["first_failure"] = t.first_failure;
      if (t.first_failure.contains("hint")) j["hint"] = t.first_failure["hint"];
    }
    out.push_back(std::move(j));
  }
  return out;
}

Outcome RunTally::apply(Json& summary) const {
  if (tallies_.empty()) return Outcome::none;
  const auto list = entries();
  Json unmet = Json::array();
  for (const auto& e : list)
    if (!e["ok"].get<bool>() && e["evaluated"].get<bool>()) {
      Json u{{"expr", e["expr"]}, {"expected", e["expected"]}, {"actual", e["actual"]}, {"detail", e["detail"]}};
      u["hint"] = string_at(e, "hint");
      unmet.push_back(std::move(u));
    }
  const bool clean = clean_success(summary);
  insert_before(summary, "expectations", list, "first_failure");
  if (unmet.empty()) return bool_at(summary, "established", false) ? Outcome::passed : Outcome::not_evaluated;
  if (clean) summary["error"] = expectation_error(unmet, tallies_.size());
  return Outcome::failed;
}

}  // namespace authctx::policy
