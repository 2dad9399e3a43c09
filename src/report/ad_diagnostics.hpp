// Diagnostics that Active Directory makes possible: what a generic Kerberos hint cannot say
// about a domain controller's accounts, SPNs and policies, added to a handshake's warnings and
// to its classified error.
//
// refine_warnings() adds `rc4_service_ticket` when an AP-REQ's ticket is encrypted with RC4
// (AD encrypts tickets for an account without msDS-SupportedEncryptionTypes with RC4 even
// when the session key is AES, so the session-key check misses it), naming the account that
// holds the SPN when it is known and how to fix it; and it extends `delegation_not_granted`
// (an account "sensitive and cannot be delegated", a service not "trusted for delegation")
// and `ntlm_fallback` caused by the cases below. refine_error() rewrites the hint of:
// `service_principal_unknown` (an IP address where a host name was needed; a duplicate SPN,
// which an AD DC refuses to resolve), an acceptor that cannot decrypt a ticket whose kvno and
// enctype it holds (KRB_AP_ERR_MODIFIED on Windows, BAD_INTEGRITY from MIT: the SPN belongs
// to another account than the keytab's; class keytab_no_matching_key, not preauth_failed,
// which is the KDC's meaning of that code), and `keytab_kvno_mismatch` (a password change).
//
// What is known about the domain: a full PAC (urn:mspac:logon-info) seen by the acceptor says
// it is AD; when KRB5_CONFIG is an authctx AD lab's (`lab up --kdc samba`: lab.json beside it),
// its accounts name who holds which SPN and which flags they carry, and the hints give the
// `authctx lab ad` command that fixes it. Otherwise hints name the AD tools (setspn,
// Set-ADUser). Pure functions of the document and that file; they never throw.
#pragma once
#include <string>
#include <vector>

#include "report/document.hpp"

namespace authctx::report::ad {

void refine_warnings(const Document& doc, std::vector<Warning>& warnings);
void refine_error(ErrorReport& report, const Document* doc);

}  // namespace authctx::report::ad
