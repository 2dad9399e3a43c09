/* The in-process ceiling for scripts/bench-handshakes: runs the shared reference program
 * (../shared/bench/inproc_handshake.c, compiled with -Dmain=inproc_main) with
 * "-user USER -pass PASSWORD" appended to its arguments. USER and the password file come
 * from AUTHCTX_BENCH_USER and AUTHCTX_BENCH_PASSWORD_FILE, so the initiator credential is
 * acquired once into a MEMORY ccache (gss_acquire_cred_with_password: the practical ceiling,
 * FACTS.md) and the password never reaches a command line (/proc/PID/cmdline shows the
 * original arguments only). Built by the script with cc, not by CMake: it links the
 * reference program, which is not part of the project. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int inproc_main(int argc, char **argv);

int main(int argc, char **argv) {
  const char *user = getenv("AUTHCTX_BENCH_USER");
  const char *path = getenv("AUTHCTX_BENCH_PASSWORD_FILE");
  static char password[256];
  char **args;
  FILE *f;
  size_t n;
  int i;

  if (user == NULL || path == NULL) {
    fprintf(stderr, "inproc_password: set AUTHCTX_BENCH_USER and AUTHCTX_BENCH_PASSWORD_FILE\n");
    return 2;
  }
  f = fopen(path, "r");
  if (f == NULL) {
    perror(path);
    return 2;
  }
  n = fread(password, 1, sizeof(password) - 1, f);
  fclose(f);
  while (n > 0 && (password[n - 1] == '\n' || password[n - 1] == '\r')) n--;
  password[n] = '\0';
  args = calloc((size_t)argc + 5, sizeof(*args));
  if (args == NULL) return 2;
  for (i = 0; i < argc; i++) args[i] = argv[i];
  args[argc] = "-user";
  args[argc + 1] = (char *)user;
  args[argc + 2] = "-pass";
  args[argc + 3] = password;
  return inproc_main(argc + 4, args);
}
