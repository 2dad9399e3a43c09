// `authctx client --url ldap://HOST|ldaps://HOST`: one LDAP SASL bind through the engine
// over ldap::ClientChannel (src/ldap/channel.hpp), one document. The channel's transport
// object, its warnings and its application phase (security layer, root DSE, WhoAmI) are in
// the document; when the URL names an address the service principal cannot match, the
// warning and the error's hint say to connect by name with --resolve.
#pragma once
#include "engine/options.hpp"
#include "ldap/channel.hpp"
#include "report/document.hpp"
#include "report/sink.hpp"

namespace authctx::run {

report::Document run_ldap_client(const ldap::ChannelOptions& options, const engine::InitiatorOptions& init,
                                 const engine::SessionOptions& session, report::EventSink& sink);

}  // namespace authctx::run
