#include "gss/status.hpp"

#include <array>
#include <utility>

#include "gss/buffer.hpp"

namespace authctx::gss {
namespace {

// RFC 2744 §3.9.1, table 3-1: routine errors (bits 16-23).
constexpr std::array<const char*, 19> k_routine{
    "",
    "GSS_S_BAD_MECH",
    "GSS_S_BAD_NAME",
    "GSS_S_BAD_NAMETYPE",
    "GSS_S_BAD_BINDINGS",
    "GSS_S_BAD_STATUS",
    "GSS_S_BAD_SIG",
    "GSS_S_NO_CRED",
    "GSS_S_NO_CONTEXT",
    "GSS_S_DEFECTIVE_TOKEN",
    "GSS_S_DEFECTIVE_CREDENTIAL",
    "GSS_S_CREDENTIALS_EXPIRED",
    "GSS_S_CONTEXT_EXPIRED",
    "GSS_S_FAILURE",
    "GSS_S_BAD_QOP",
    "GSS_S_UNAUTHORIZED",
    "GSS_S_UNAVAILABLE",
    "GSS_S_DUPLICATE_ELEMENT",
    "GSS_S_NAME_NOT_MN",
};
// Table 3-2: calling errors (bits 24-31).
constexpr std::array<const char*, 4> k_calling{"", "GSS_S_CALL_INACCESSIBLE_READ", "GSS_S_CALL_INACCESSIBLE_WRITE",
                                               "GSS_S_CALL_BAD_STRUCTURE"};
// Table 3-3: supplementary bits (bits 0-15).
constexpr std::array<std::pair<OM_uint32, const char*>, 5> k_supplementary{{
    {GSS_S_CONTINUE_NEEDED, "GSS_S_CONTINUE_NEEDED"},
    {GSS_S_DUPLICATE_TOKEN, "GSS_S_DUPLICATE_TOKEN"},
    {GSS_S_OLD_TOKEN, "GSS_S_OLD_TOKEN"},
    {GSS_S_UNSEQ_TOKEN, "GSS_S_UNSEQ_TOKEN"},
    {GSS_S_GAP_TOKEN, "GSS_S_GAP_TOKEN"},
}};
}  // namespace

MajorParts split_major(OM_uint32 major) {
  MajorParts parts;
  const auto routine = GSS_ROUTINE_ERROR(major) >> GSS_C_ROUTINE_ERROR_OFFSET;
  const auto calling = GSS_CALLING_ERROR(major) >> GSS_C_CALLING_ERROR_OFFSET;
  if (routine < k_routine.size()) {
    parts.routine = k_routine[routine];
  } else {
    parts.routine = "GSS_S_ROUTINE_ERROR_" + std::to_string(routine);
  }
  if (calling != 0) {
    parts.calling =
        calling < k_calling.size() ? std::string(k_calling[calling]) : "GSS_S_CALLING_ERROR_" + std::to_string(calling);
  }
  for (const auto& [bit, name] : k_supplementary)
    if ((major & bit) != 0) parts.supplementary.emplace_back(name);
  return parts;
}

std::vector<std::string> display_status(OM_uint32 code, int type, const Oid* mech) {
  std::vector<std::string> out;
  OM_uint32 context = 0;
  // Bounded: a broken mechanism must not keep us here forever.
  for (int i = 0; i < 16; ++i) {
    OM_uint32 minor = 0;
    Buffer text;
    const OM_uint32 major =
        gss_display_status(&minor, code, type, mech != nullptr ? mech->get() : GSS_C_NO_OID, &context, text.ptr());
    if (GSS_ERROR(major)) break;
    auto line = text.str();
    // Some mechanisms count a terminating NUL in the buffer length.
    while (!line.empty() && line.back() == '\0') line.pop_back();
    out.push_back(std::move(line));
    if (context == 0) break;
  }
  return out;
}

GssError::GssError(std::string stage, OM_uint32 major, OM_uint32 minor, const Oid* mech)
    : std::runtime_error(stage), stage_(std::move(stage)), major_(major), minor_(minor) {
  if (mech != nullptr && !mech->empty()) mech_ = *mech;
  // Minor text first: it is the one MIT keeps per thread and a further call may reset.
  if (minor != 0) {
    auto texts = display_status(minor, GSS_C_MECH_CODE, mech_ ? &*mech_ : nullptr);
    // A code the mechglue has not mapped for that mech may still display without one.
    if (texts.empty() && mech_) texts = display_status(minor, GSS_C_MECH_CODE, nullptr);
    for (const auto& t : texts) minor_text_ += (minor_text_.empty() ? "" : " ") + t;
  }
  major_text_ = display_status(major, GSS_C_GSS_CODE);
}

std::string GssError::text() const {
  if (!minor_text_.empty()) return minor_text_;
  return major_text_.empty() ? stage_ : major_text_.front();
}

}  // namespace authctx::gss
