// Names for GSS context flags (RFC 2744 §5.19 and extensions: GSS_C_<X>_FLAG lower-cased)
// and for Kerberos ticket flags (RFC 4120 §5.3; MIT's TKT_FLG_* values), in both directions.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authctx::gss {

struct FlagName {
  std::uint32_t bit;
  std::string_view name;
};

// Context flags: "deleg", "mutual", ... ; unknown bits appear as "0x00010000".
std::vector<std::string> context_flag_names(std::uint32_t flags);
std::optional<std::uint32_t> context_flag_from_name(std::string_view name);
const std::vector<FlagName>& context_flags();

// Ticket flags: "forwardable", "renewable", "pre_authent", ...
std::vector<std::string> ticket_flag_names(std::uint32_t flags);

}  // namespace authctx::gss
