// The one place that includes the MIT GSS-API headers. Everything under src/gss wraps the
// C interface in move-only RAII handles; no other layer calls gss_release_* itself.
// MIT 1.20's gssapi.h declares the RFC 5801 functions (gss_inquire_saslname_for_mech, ...)
// after its extern "C" block closes, so the includes are wrapped once more here.
#pragma once
extern "C" {
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
}
