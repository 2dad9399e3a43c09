// Test support: a scripted LDAP server that misbehaves on purpose, on a free 127.0.0.1
// port, in a thread of the test process. Each script provokes one failure a client must
// classify (issue 16, item 5). Scripts that need a real GSS-API context (the security-layer
// ones) accept the client's krb5 context with the keytab given (the ldap/localhost key from
// add_ldap_service), then misbehave in the layer negotiation or after it.
// The destructor stops the thread (bounded: it polls a stop flag every 20 ms) and closes
// every socket; nothing outlives the object.
#pragma once
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace authctx::test {

enum class HostileScript {
  not_ldap,                  // answers the first request with an HTTP response
  silent,                    // reads the BindRequest and never answers
  slow_partial,              // sends the first 3 bytes of a BindResponse, then nothing
  endless_bind_in_progress,  // answers every BindRequest with saslBindInProgress and a token
  oversized_message,         // announces a 2 GiB LDAPMessage
  indefinite_length,         // a BindResponse with an indefinite length inside
  notice_of_disconnection,   // answers the bind with a Notice of Disconnection (unavailable)
  wrong_message_id,          // answers message N as message N+5
  malformed_layer,           // (GSS) completes the context, then wraps a 3-byte layer message
  zero_max_buffer,           // (GSS) offers integrity and confidentiality with max buffer 0
  oversized_wrapped_buffer,  // (GSS) binds with a layer, then answers the search with a SASL
                             // buffer one byte over the client's maximum
  reject_none,               // (GSS) offers all layers, refuses "none" like AD (strongerAuthRequired)
};

class HostileLdapServer {
 public:
  // keytab: needed by the (GSS) scripts; the acceptor takes any key in it.
  explicit HostileLdapServer(HostileScript script, std::string keytab = {});
  ~HostileLdapServer();
  HostileLdapServer(const HostileLdapServer&) = delete;
  HostileLdapServer& operator=(const HostileLdapServer&) = delete;

  int port() const { return port_; }
  // What the server received, one line per message ("bindRequest GSSAPI 1", ...), and any
  // problem of its own ("error: ...").
  std::vector<std::string> log() const;
  int bind_requests() const { return bind_requests_.load(); }

 private:
  void serve();
  void serve_one(int fd);
  void note(const std::string& line);

  HostileScript script_;
  std::string keytab_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> bind_requests_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> log_;
  std::thread thread_;
};

}  // namespace authctx::test
