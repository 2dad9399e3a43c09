// `authctx client --url ldap://HOST|ldaps://HOST`: one LDAP SASL bind through the engine
// over ldap::ClientChannel (src/ldap/channel.hpp), one document. The channel's transport
// object, its warnings and its application phase (security layer, root DSE, WhoAmI) are in
// the document; when the URL names an address the service principal cannot match, the
// warning and the error's hint say to connect by name with --resolve.
//
// run_ldap_load: a load run (run/load.hpp) of binds (`client --url ldap://... --count N
// --concurrency C --duration S --fresh-tickets`). Every run is its own connection and a
// whole bind as a single run makes it, the LDAP phase included (a run counts as established
// only when the security layer, the root DSE search and WhoAmI succeeded too). The
// connection is made when the first BindRequest goes out, after the initiator's first token
// (so a KDC exchange is not inside it), and its time, TLS or StartTLS included, is the run's
// connect phase; a run whose first step fails never connects. The LDAP phase has no phase of
// its own in the summary: it is in the run's total.
#pragma once
#include "engine/options.hpp"
#include "ldap/channel.hpp"
#include "report/document.hpp"
#include "report/sink.hpp"
#include "run/load.hpp"

namespace authctx::run {

report::Document run_ldap_client(const ldap::ChannelOptions& options, const engine::InitiatorOptions& init,
                                 const engine::SessionOptions& session, report::EventSink& sink);

LoadOutcome run_ldap_load(const ldap::ChannelOptions& options, const LoadOptions& load,
                          const engine::InitiatorOptions& init, const engine::SessionOptions& session,
                          report::EventSink& sink);

}  // namespace authctx::run
