// Internal interface between the PAC decoder files (pac.cpp: the buffer list and the
// fixed-layout buffers; pac_ndr.cpp: the NDR-encoded buffers). Not for callers: use pac.hpp.
// Each decoder reads one buffer from a reader bounded to exactly that buffer and writes
// what it understood into `out`; problems go to the reader's diagnostics.
#pragma once
#include <cstdint>
#include <string>

#include "decode/decode.hpp"
#include "decode/ndr_reader.hpp"
#include "decode/value.hpp"

namespace authctx::decode {

// MS-PAC §2.5 KERB_VALIDATION_INFO in an MS-RPCE §2.2.6 type serialisation.
void decode_pac_logon_info(NdrReader& r, Value& out);
// MS-PAC §2.9 S4U_DELEGATION_INFO in an MS-RPCE §2.2.6 type serialisation.
void decode_pac_delegation_info(NdrReader& r, Value& out);

// FILETIME (MS-DTYP §2.3.3) as RFC 3339; "never" for 0x7fffffffffffffff (MS-PAC §2.5:
// "no expiry"), null for 0 ("not set"), the raw number when outside 1970..9999.
Value pac_filetime_value(std::uint64_t filetime);
// {"sid": "S-1-…", "name": "Domain Users"} (name only when well known).
Value pac_sid_value(const std::string& sid);

}  // namespace authctx::decode
