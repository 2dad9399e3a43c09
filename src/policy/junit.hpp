// The JUnit XML report (--junit FILE) in the form GitLab, Jenkins and GitHub test reporters
// read (the Ant JUnit layout):
//
//   <testsuites name="authctx" tests= failures= errors= skipped= time=>
//     <testsuite name="authctx client 127.0.0.1:88 run 2" tests= failures= errors= skipped=
//                time= timestamp= hostname=>         one per handshake
//       <properties><property name="mech" value="krb5"/> ...</properties>   key facts
//       <testcase classname="authctx.client.run2" name="context established" time=>
//         <failure type="ERROR CLASS" message="...">class, stage, message, next step</failure>
//       </testcase>
//       <testcase ... name="expect no-ntlm">        one per expectation; a failure carries
//         <failure type="expectation_failed" message="expected ..., actual ...">  detail, hint
//       </testcase>                                 <skipped/> when not evaluated
//       <system-out>the text view</system-out>
//     </testsuite>
//   </testsuites>
//
// Every string is escaped by xml_text.hpp, so a peer's bytes cannot break the XML. The
// report only builds text; the caller writes it (atomically, mode 0600).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "policy/facts.hpp"

namespace authctx::policy {

struct SuiteInfo {
  std::string name;            // "authctx server connection 3"
  std::string classname;       // "authctx.server.connection3"
  std::string system_out;      // the text view of the document
  std::int64_t timestamp = 0;  // unix seconds when the handshake finished
  std::string hostname;
};

class JunitReport {
 public:
  // Adds one handshake's finished document (with its "expectations") as a testsuite.
  void add(const Json& doc, const SuiteInfo& info);
  bool empty() const { return suites_.empty(); }
  std::string xml() const;

  // A report for a run that has finished no handshake: one suite whose one testcase is an
  // error saying why (`why`), so a CI job never reads an empty report as a pass.
  static std::string unfinished(const std::string& suite_name, const std::string& classname, const std::string& why);

  // The properties a suite carries: the context's key facts, in a stable order.
  static std::vector<std::pair<std::string, std::string>> properties(const Json& doc);

 private:
  std::vector<std::string> suites_;
  int tests_ = 0;
  int failures_ = 0;
  int skipped_ = 0;
  double seconds_ = 0;
};

}  // namespace authctx::policy
