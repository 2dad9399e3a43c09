// Test support: checks on a load run's summary document (run/load_stats.cpp), shared by the
// load tests of every transport.
#pragma once
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace authctx::test {

// A summary.phases entry: count runs went through it, and its figures are in order.
inline void check_phase(const nlohmann::json& phase, int count) {
  REQUIRE(phase.is_object());
  CHECK(phase["count"] == count);
  CHECK(phase["min_ms"].get<double>() <= phase["p50_ms"].get<double>());
  CHECK(phase["p50_ms"].get<double>() <= phase["p95_ms"].get<double>());
  CHECK(phase["p95_ms"].get<double>() <= phase["p99_ms"].get<double>());
  CHECK(phase["p99_ms"].get<double>() <= phase["max_ms"].get<double>());
}

}  // namespace authctx::test
