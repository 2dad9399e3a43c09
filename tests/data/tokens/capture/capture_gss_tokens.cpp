// Captures GSS-API tokens (hex, one file per token) from an in-process handshake.
// usage: cap MECH OUTPREFIX [TARGET] [user password]
//   MECH: krb5 | spnego | ntlm | iakerb | spnego-ntlm
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <cstdio>
#include <cstring>
#include <string>
static gss_OID_desc krb5_oid = {9, (void*)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"};
static gss_OID_desc spnego_oid = {6, (void*)"\x2b\x06\x01\x05\x05\x02"};
static gss_OID_desc ntlm_oid = {10, (void*)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a"};
static gss_OID_desc iakerb_oid = {6, (void*)"\x2b\x06\x01\x05\x02\x05"};
static std::string prefix;
static int n = 0;
static void save(const char* what, gss_buffer_t b) {
  if (b->length == 0) return;
  char name[512];
  snprintf(name, sizeof name, "%s-%02d-%s.hex", prefix.c_str(), ++n, what);
  FILE* f = fopen(name, "w");
  for (size_t i = 0; i < b->length; ++i) fprintf(f, "%02x", ((unsigned char*)b->value)[i]);
  fprintf(f, "\n");
  fclose(f);
}
static void status(const char* where, OM_uint32 maj, OM_uint32 min) {
  OM_uint32 m2, ctx = 0; gss_buffer_desc s;
  do { gss_display_status(&m2, maj, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &s); fprintf(stderr, "%s: %.*s\n", where, (int)s.length, (char*)s.value); gss_release_buffer(&m2, &s);} while (ctx);
  do { gss_display_status(&m2, min, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx, &s); fprintf(stderr, "%s: %.*s\n", where, (int)s.length, (char*)s.value); gss_release_buffer(&m2, &s);} while (ctx);
}
int main(int argc, char** argv) {
  std::string mech = argv[1]; prefix = argv[2];
  std::string target = argc > 3 ? argv[3] : "host@localhost";
  gss_OID m = mech == "krb5" ? &krb5_oid : mech == "ntlm" ? &ntlm_oid : mech == "iakerb" ? &iakerb_oid : &spnego_oid;
  OM_uint32 maj, min;
  gss_buffer_desc tn = {target.size(), (void*)target.data()};
  gss_name_t tname; gss_import_name(&min, &tn, GSS_C_NT_HOSTBASED_SERVICE, &tname);
  gss_cred_id_t icred = GSS_C_NO_CREDENTIAL;
  if (argc > 5) {
    gss_buffer_desc un = {strlen(argv[4]), argv[4]}; gss_name_t uname;
    gss_import_name(&min, &un, GSS_C_NT_USER_NAME, &uname);
    gss_buffer_desc pw = {strlen(argv[5]), argv[5]};
    gss_OID_desc* mm = mech == "spnego-ntlm" ? &ntlm_oid : m;
    gss_OID_set_desc set = {1, mm};
    maj = gss_acquire_cred_with_password(&min, uname, &pw, 0, &set, GSS_C_INITIATE, &icred, NULL, NULL);
    if (maj) { status("acquire", maj, min); return 1; }
  }
  if (mech == "spnego-ntlm") {
    gss_OID_set_desc set = {1, &ntlm_oid};
    if (icred == GSS_C_NO_CREDENTIAL) { gss_OID_set_desc s2 = {1, &spnego_oid}; maj = gss_acquire_cred(&min, GSS_C_NO_NAME, 0, &s2, GSS_C_INITIATE, &icred, NULL, NULL); if (maj) { status("acq", maj, min); return 1; } }
    else { gss_cred_id_t sp; gss_OID_set_desc s2 = {1, &spnego_oid}; maj = gss_acquire_cred_with_password(&min, GSS_C_NO_NAME, NULL, 0, &s2, GSS_C_INITIATE, &sp, NULL, NULL); (void)sp; }
    maj = gss_set_neg_mechs(&min, icred, &set);
    if (maj) status("neg_mechs", maj, min);
  }
  gss_cred_id_t acred = GSS_C_NO_CREDENTIAL;
  if (mech == "iakerb") { gss_OID_set_desc s3 = {1, &iakerb_oid}; maj = gss_acquire_cred(&min, GSS_C_NO_NAME, 0, &s3, GSS_C_ACCEPT, &acred, NULL, NULL); if (maj) status("acqa", maj, min); }
  gss_ctx_id_t ictx = GSS_C_NO_CONTEXT, actx = GSS_C_NO_CONTEXT;
  gss_buffer_desc in = {0, nullptr}, out;
  bool idone = false, adone = false;
  OM_uint32 flags = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_SEQUENCE_FLAG;
  for (int leg = 0; leg < 12 && !(idone && adone); ++leg) {
    if (!idone) {
      maj = gss_init_sec_context(&min, icred, &ictx, tname, m, flags, 0, GSS_C_NO_CHANNEL_BINDINGS, leg == 0 ? GSS_C_NO_BUFFER : &in, NULL, &out, NULL, NULL);
      save("init", &out);
      if (GSS_ERROR(maj)) { status("init", maj, min); return 2; }
      idone = !(maj & GSS_S_CONTINUE_NEEDED);
      in = out;
      if (in.length == 0) break;
    }
    maj = gss_accept_sec_context(&min, &actx, acred, &in, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &out, NULL, NULL, NULL);
    save("accept", &out);
    if (GSS_ERROR(maj)) { status("accept", maj, min); return 3; }
    adone = !(maj & GSS_S_CONTINUE_NEEDED);
    in = out;
    if (in.length == 0 && !idone) { }
    if (in.length == 0) break;
  }
  gss_buffer_desc msg = {5, (void*)"hello"};
  gss_buffer_desc tok;
  if (gss_get_mic(&min, ictx, 0, &msg, &tok) == 0) save("init-mic", &tok);
  int conf;
  if (gss_wrap(&min, ictx, 1, 0, &msg, &conf, &tok) == 0) save("init-wrap", &tok);
  if (gss_wrap(&min, actx, 0, 0, &msg, &conf, &tok) == 0) save("accept-wrap-integ", &tok);
  if (gss_get_mic(&min, actx, 0, &msg, &tok) == 0) save("accept-mic", &tok);
  return 0;
}
