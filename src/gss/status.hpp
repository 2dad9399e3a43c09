// One way to turn a GSS status into an error. GssError's constructor calls
// gss_display_status in a loop for both codes (RFC 2744 §5.11) right away, because MIT keeps
// the rich minor-code text per thread and only until the next call: construct it on the
// failing thread immediately after the failing call. The major code is split into its
// routine error, calling error and supplementary bits (RFC 2744 §3.9.1).
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gss/gss.hpp"
#include "gss/oid.hpp"

namespace authctx::gss {

struct MajorParts {
  std::string routine;                     // "GSS_S_FAILURE", or "" when the routine field is 0
  std::optional<std::string> calling;      // "GSS_S_CALL_INACCESSIBLE_READ", ...
  std::vector<std::string> supplementary;  // "GSS_S_CONTINUE_NEEDED", ...
};
MajorParts split_major(OM_uint32 major);

// Every string gss_display_status gives for one code (GSS_C_GSS_CODE or GSS_C_MECH_CODE).
std::vector<std::string> display_status(OM_uint32 code, int type, const Oid* mech = nullptr);

class GssError : public std::runtime_error {
 public:
  // Captures the display strings now; mech, when known, selects the minor-code table.
  GssError(std::string stage, OM_uint32 major, OM_uint32 minor, const Oid* mech = nullptr);

  const std::string& stage() const noexcept { return stage_; }
  OM_uint32 major() const noexcept { return major_; }
  OM_uint32 minor() const noexcept { return minor_; }
  const std::optional<Oid>& mech() const noexcept { return mech_; }
  const std::vector<std::string>& major_text() const noexcept { return major_text_; }
  const std::string& minor_text() const noexcept { return minor_text_; }
  MajorParts major_parts() const { return split_major(major_); }
  // The one summary of a failure: the minor text, else the first major text, else the
  // stage (what a person reads first).
  std::string text() const;
  // "STAGE: TEXT", for one-line reports.
  std::string stage_and_text() const { return stage_ + ": " + text(); }

 private:
  std::string stage_;
  OM_uint32 major_;
  OM_uint32 minor_;
  std::optional<Oid> mech_;
  std::vector<std::string> major_text_;
  std::string minor_text_;
};

}  // namespace authctx::gss
