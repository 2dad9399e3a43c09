// authctx::lab: a throwaway MIT Kerberos realm (AUTHCTX.TEST) on loopback.
#pragma once
namespace authctx::lab {
inline constexpr const char* kRealm = "AUTHCTX.TEST";
}
