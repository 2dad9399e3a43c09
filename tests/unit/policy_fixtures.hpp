// Documents captured from the lab for the policy tests (tests/data/policy/NAME.json,
// written by `authctx local/client/server --format json` in a lab realm).
#pragma once
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "policy/facts.hpp"

namespace authctx::test {

inline policy::Json captured_document(const std::string& name) {
  std::ifstream in(std::string(AUTHCTX_SOURCE_DIR) + "/tests/data/policy/" + name + ".json");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return policy::Json::parse(ss.str());
}

}  // namespace authctx::test
