// `authctx client --url http://HOST[:PORT]/PATH` (and https://): one HTTP Negotiate
// authentication through the engine over http::ClientChannel, one document.
//
//   1. probe: the request without credentials; what the 401 offers picks the scheme
//      (Negotiate, NTLM or Kerberos, as --mech allows). An answer with nothing to
//      authenticate to (no 401, no usable scheme, a redirect not followed) is the error.
//   2. the service name: HTTP@<host of the final URL> unless --target, with how Kerberos
//      turns it into a principal (krb5/service_name.hpp) in the transport object's
//      "service", and warnings for an address in the URL and a port or path in --target.
//   3. channel bindings: over https, RFC 5929 tls-server-end-point from the server's
//      certificate, unless --no-channel-bindings or --channel-bindings VALUE; what was sent
//      is the transport object's "channel_bindings".
//   4. the engine: tokens in Authorization headers until a 2xx or a definite failure; the
//      final token verified. When the KDC does not know the principal, the error's hint
//      names the host-versus-alias choice.
//
// run_http_load: a load run (run/load.hpp) against a web server (`client --url ... --count N
// --concurrency C --duration S`). A first probe fixes the final URL, the target and the
// channel bindings for every run (a failing probe: one document, as a single run); each run
// then opens its own connection, probes (the unauthenticated request and its 401 are the
// run's connect phase) and authenticates on that connection, as a browser does on a new one.
#pragma once
#include "engine/options.hpp"
#include "http/client_channel.hpp"
#include "report/document.hpp"
#include "report/sink.hpp"
#include "run/load.hpp"

namespace authctx::run {

struct HttpClientOptions {
  http::ClientChannelOptions channel;
  bool target_given = false;     // --target: no default HTTP@host, no derivation warnings for it
  bool channel_bindings = true;  // false: --no-channel-bindings
};

report::Document run_http_client(const HttpClientOptions& options, engine::InitiatorOptions init,
                                 const engine::SessionOptions& session, report::EventSink& sink);

LoadOutcome run_http_load(const HttpClientOptions& options, const LoadOptions& load, engine::InitiatorOptions init,
                          const engine::SessionOptions& session, report::EventSink& sink);

// The acceptable schemes for a mechanism, in order of preference: spnego answers Negotiate;
// ntlm answers NTLM, else Negotiate (a raw NTLM message, as Windows clients send); krb5
// answers Kerberos, else Negotiate (a raw krb5 token, which MIT and IIS accept).
std::vector<http::AuthScheme> schemes_for(const gss::Oid& mech);

}  // namespace authctx::run
