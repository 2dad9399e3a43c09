#include "krb5/memory_ccache.hpp"

namespace authctx::krb5 {
namespace {

// A TGT (krbtgt/REALM@REALM, or a cross-realm one) or a cache configuration entry
// (X-CACHECONF:): what a fresh login holds before any service ticket.
bool initial_ticket(krb5_context ctx, const krb5_creds& c) {
  return krb5_is_config_principal(ctx, c.server) != 0 ||
         (c.server != nullptr && c.server->length == 2 && c.server->data[0].length == 6 &&
          std::string(c.server->data[0].data, 6) == "krbtgt");
}
}  // namespace

MemoryCcache::MemoryCcache(const std::string& source) : client_(nullptr, {nullptr}) {
  if (ctx_.init_error() != 0) throw KrbError(ctx_.init_error(), "cannot create a krb5 context");
  const auto ctx = ctx_.get();
  krb5_ccache src = nullptr;
  ctx_.check(source.empty() ? krb5_cc_default(ctx, &src) : krb5_cc_resolve(ctx, source.c_str(), &src),
             "cannot open the credential cache");
  const Ccache src_guard(ctx, src);
  krb5_principal client = nullptr;
  ctx_.check(krb5_cc_get_principal(ctx, src, &client), "the credential cache holds no principal");
  client_ = PrincipalPtr(client, {ctx});
  ctx_.check(krb5_cc_new_unique(ctx, "MEMORY", nullptr, &cc_), "cannot make a memory credential cache");
  ctx_.check(krb5_cc_initialize(ctx, cc_, client), "cannot initialise the memory credential cache");
  krb5_cc_cursor cursor = nullptr;
  ctx_.check(krb5_cc_start_seq_get(ctx, src, &cursor), "cannot read the credential cache");
  CredsContents creds(ctx);
  int tickets = 0;
  while (krb5_cc_next_cred(ctx, src, &cursor, creds.get()) == 0) {
    if (krb5_cc_store_cred(ctx, cc_, creds.get()) == 0) {
      if (krb5_is_config_principal(ctx, creds->server) == 0) ++tickets;
      if (initial_ticket(ctx, *creds)) {
        krb5_creds* copy = nullptr;
        if (krb5_copy_creds(ctx, creds.get(), &copy) == 0)
          initial_.emplace_back(copy, Free<krb5_creds, krb5_free_creds>{ctx});
      }
    }
    creds.reset();
  }
  krb5_cc_end_seq_get(ctx, src, &cursor);
  if (tickets == 0) throw KrbError(KRB5_CC_NOTFOUND, "the credential cache holds no ticket");
  name_ = std::string("MEMORY:") + krb5_cc_get_name(ctx, cc_);
}

MemoryCcache::~MemoryCcache() {
  if (cc_ != nullptr) krb5_cc_destroy(ctx_.get(), cc_);
}

void MemoryCcache::keep_initial_only() {
  const auto ctx = ctx_.get();
  ctx_.check(krb5_cc_initialize(ctx, cc_, client_.get()), "cannot reset the memory credential cache");
  for (const auto& c : initial_) krb5_cc_store_cred(ctx, cc_, c.get());
}

int MemoryCcache::entries() const {
  // MIT keeps no count (and its change time is not public API): a walk over a memory cache
  // of a few entries costs a few microseconds.
  const auto ctx = ctx_.get();
  krb5_cc_cursor cursor = nullptr;
  if (krb5_cc_start_seq_get(ctx, cc_, &cursor) != 0) return -1;
  CredsContents creds(ctx);
  int n = 0;
  while (krb5_cc_next_cred(ctx, cc_, &cursor, creds.get()) == 0) {
    ++n;
    creds.reset();
  }
  krb5_cc_end_seq_get(ctx, cc_, &cursor);
  return n;
}

}  // namespace authctx::krb5
