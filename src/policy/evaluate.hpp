// Evaluating expectations on finished handshake documents (their JSON form, see facts.hpp).
//
// Each expectation becomes one entry of the document's "expectations" array:
//   {"expr": "enctype>=aes128", "ok": true, "evaluated": true,
//    "expected": "aes128 or stronger", "actual": "aes256-cts-hmac-sha1-96",
//    "detail": "session key of the initiator's context"}
// `expected` is the condition in words; `actual` is what the document shows, typed as it
// is there (a name, a number, a flag list, a boolean) or null when it does not show it.
//
// Policy for documents that are not clean successes:
// - not established: nothing is evaluated; every entry has ok false, evaluated false, actual
//   null, and the handshake's own error stays (exit 1 or 3, not 6).
// - established with another error (a failed per-message check, --require-mech): every
//   expectation is evaluated and reported, and that error stays.
// - established, no error, and an expectation failed: "error" becomes class
//   expectation_failed with every unmet expectation (expected, actual, detail, hint) in
//   "unmet", and a hint: the CLI exits 6.
#pragma once
#include <map>
#include <vector>

#include "policy/expectation.hpp"
#include "policy/facts.hpp"

namespace authctx::policy {

// NOLINTNEXTLINE(bugprone-exception-escape): the implicit move of a Json member, as transport::Frame
struct Result {
  bool evaluated = true;
  bool ok = false;
  std::string expected;
  Json actual;         // null when the document does not show it
  std::string detail;  // where it was read, or why it could not be
  std::string hint;    // the next step when it failed
};

// Evaluates one expectation on an established handshake's document.
Result evaluate(const Expectation& e, const Json& doc);

// The condition an expectation states, in words (Result::expected), without a document.
std::string expected_words(const Expectation& e);

// Whether a principal name matches a user=/target= pattern: `*` matches any run of
// characters; a pattern without a realm (`alice`) ignores the name's @REALM and an NTLM
// DOMAIN\ prefix; a target pattern `service@host` also matches service/host@REALM.
bool principal_matches(const std::string& pattern, const std::string& name, bool target);

// The value of `actual` as a short phrase for messages ("aes256-cts-hmac-sha1-96",
// "mutual replay conf", "none").
std::string actual_text(const Json& actual);

enum class Outcome { none, passed, failed, not_evaluated };

// Adds "expectations" to doc (before "warnings") and, per the policy above, the
// expectation_failed error. Returns passed, failed, not_evaluated (context not
// established) or none (no expectations given).
Outcome apply_expectations(Json& doc, const std::vector<Expectation>& expectations);

// The expectation_failed error for a list of unmet entries ("expectations" entries).
Json expectation_error(const Json& unmet, std::size_t total);

// One line for stderr: "2 of 5 expectations failed: no-ntlm (expected ..., actual ...); ...".
std::string failure_sentence(const Json& doc);

// A client's --count N runs: per-run "expectations" arrays add up to the summary's.
class RunTally {
 public:
  explicit RunTally(const std::vector<Expectation>& expectations);
  void add(int run, const Json& entries);
  // Summary entries: ok when every run that established passed; counts per outcome.
  Json entries() const;
  bool any_failed() const;
  // Adds the summary's "expectations" and, when every run established without error but
  // some expectation failed, the expectation_failed error. Returns as apply_expectations.
  Outcome apply(Json& summary) const;

 private:
  struct Tally {  // NOLINT(bugprone-exception-escape): as Result
    std::string expr;
    std::string expected;
    int passed = 0;
    int failed = 0;
    int not_evaluated = 0;
    Json first_failure;  // {"run", "actual", "detail", "hint"}
    Json first_actual;
  };
  std::vector<Tally> tallies_;
};

// Places key/value in doc just before `before` (or at the end when doc lacks it).
void insert_before(Json& doc, const std::string& key, Json value, const std::string& before);

}  // namespace authctx::policy
