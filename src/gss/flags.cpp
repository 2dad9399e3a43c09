#include "gss/flags.hpp"

#include <cstdio>

#include "gss/gss.hpp"

namespace authctx::gss {
namespace {
std::vector<std::string> names_of(std::uint32_t flags, const std::vector<FlagName>& table) {
  std::vector<std::string> out;
  std::uint32_t known = 0;
  for (const auto& f : table) {
    known |= f.bit;
    if ((flags & f.bit) != 0) out.emplace_back(f.name);
  }
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1) {
    if ((flags & bit) != 0 && (known & bit) == 0) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "0x%08x", bit);
      out.emplace_back(buf);
    }
  }
  return out;
}

// MIT krb5.h TKT_FLG_* values: RFC 4120 §5.3 bit n is 1 << (31 - n).
const std::vector<FlagName>& ticket_flags() {
  static const std::vector<FlagName> k_table{
      {0x40000000, "forwardable"},    {0x20000000, "forwarded"},    {0x10000000, "proxiable"},
      {0x08000000, "proxy"},          {0x04000000, "may_postdate"}, {0x02000000, "postdated"},
      {0x01000000, "invalid"},        {0x00800000, "renewable"},    {0x00400000, "initial"},
      {0x00200000, "pre_authent"},    {0x00100000, "hw_authent"},   {0x00080000, "transit_policy_checked"},
      {0x00040000, "ok_as_delegate"}, {0x00010000, "enc_pa_rep"},   {0x00008000, "anonymous"},
  };
  return k_table;
}
}  // namespace

const std::vector<FlagName>& context_flags() {
  static const std::vector<FlagName> k_table{
      {GSS_C_DELEG_FLAG, "deleg"},
      {GSS_C_MUTUAL_FLAG, "mutual"},
      {GSS_C_REPLAY_FLAG, "replay"},
      {GSS_C_SEQUENCE_FLAG, "sequence"},
      {GSS_C_CONF_FLAG, "conf"},
      {GSS_C_INTEG_FLAG, "integ"},
      {GSS_C_ANON_FLAG, "anon"},
      {GSS_C_PROT_READY_FLAG, "prot_ready"},
      {GSS_C_TRANS_FLAG, "trans"},
      {GSS_C_DCE_STYLE, "dce_style"},
      {GSS_C_IDENTIFY_FLAG, "identify"},
      {GSS_C_EXTENDED_ERROR_FLAG, "extended_error"},
      {GSS_C_DELEG_POLICY_FLAG, "deleg_policy"},
      {GSS_C_CHANNEL_BOUND_FLAG, "channel_bound"},
  };
  return k_table;
}

std::vector<std::string> context_flag_names(std::uint32_t flags) { return names_of(flags, context_flags()); }

std::optional<std::uint32_t> context_flag_from_name(std::string_view name) {
  for (const auto& f : context_flags())
    if (f.name == name) return f.bit;
  return std::nullopt;
}

std::vector<std::string> ticket_flag_names(std::uint32_t flags) { return names_of(flags, ticket_flags()); }

}  // namespace authctx::gss
