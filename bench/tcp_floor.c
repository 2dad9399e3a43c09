/* The transport floor for scripts/bench-handshakes: what a connection per handshake costs
 * on this machine with no GSS-API at all. A server process and a client process on
 * 127.0.0.1, TCP_NODELAY on both ends; per exchange the client connects, sends one request
 * of REQ bytes (an AP-REQ's size) and reads one reply of REP bytes (an AP-REP's size), and
 * both close: the round trips a one-leg mutual krb5 handshake needs over TCP, nothing else.
 * The server accepts on one thread and serves each connection on it, the cheapest way there
 * is (no handoff between threads).
 *
 * A sequential handshake over TCP cannot be faster than 1 / (1/floor + 1/ceiling), where
 * ceiling is the in-process handshake rate (the same crypto on one thread): the script
 * prints that bound beside the goals, so a goal beyond it is visibly out of reach here.
 *
 * Usage: tcp_floor [-n N] [-t THREADS] [-r REQ] [-p REP] [-q]
 * Prints "floor: exchanges=N threads=T elapsed=S rate=R exchanges/s (U us each)".
 * Every wait is bounded: a read or write that stalls 5 s ends the program with exit 1. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int req_size = 1100, rep_size = 160;
static int per_thread;
static struct sockaddr_in addr;

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void wait_for(int fd, short events) {
  struct pollfd p = {fd, events, 0};
  int r = poll(&p, 1, 5000);
  if (r <= 0) {
    fprintf(stderr, "tcp_floor: a peer stalled for 5 s\n");
    exit(1);
  }
}

static void write_all(int fd, const char *buf, int len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, (size_t)len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      wait_for(fd, POLLOUT);
      continue;
    }
    if (n <= 0) die("write");
    buf += n;
    len -= (int)n;
  }
}

static void read_all(int fd, char *buf, int len) {
  while (len > 0) {
    ssize_t n;
    wait_for(fd, POLLIN);
    n = read(fd, buf, (size_t)len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) die("read");
    buf += n;
    len -= (int)n;
  }
}

static void nodelay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) die("setsockopt");
}

static void serve(int listener) {
  char *req = malloc((size_t)req_size), *rep = calloc(1, (size_t)rep_size);
  for (;;) {
    int c = accept(listener, NULL, NULL);
    if (c < 0) {
      if (errno == EINTR) continue;
      die("accept");
    }
    nodelay(c);
    read_all(c, req, req_size);
    write_all(c, rep, rep_size);
    close(c);
  }
}

static void *client(void *unused) {
  char *req = calloc(1, (size_t)req_size), *rep = malloc((size_t)rep_size);
  int i;
  (void)unused;
  for (i = 0; i < per_thread; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    nodelay(fd);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("connect");
    write_all(fd, req, req_size);
    read_all(fd, rep, rep_size);
    close(fd);
  }
  free(req);
  free(rep);
  return NULL;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  int n = 5000, threads = 1, quiet = 0, opt, listener, i, status;
  socklen_t len = sizeof addr;
  pthread_t tids[64];
  pid_t server;
  double start, elapsed;

  while ((opt = getopt(argc, argv, "n:t:r:p:q")) != -1) {
    switch (opt) {
      case 'n': n = atoi(optarg); break;
      case 't': threads = atoi(optarg); break;
      case 'r': req_size = atoi(optarg); break;
      case 'p': rep_size = atoi(optarg); break;
      case 'q': quiet = 1; break;
      default: fprintf(stderr, "usage: tcp_floor [-n N] [-t THREADS] [-r REQ] [-p REP] [-q]\n"); return 2;
    }
  }
  if (n < 1 || threads < 1 || threads > 64 || req_size < 1 || rep_size < 1) {
    fprintf(stderr, "tcp_floor: N >= 1, 1 <= THREADS <= 64, sizes >= 1\n");
    return 2;
  }
  per_thread = n / threads;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) die("socket");
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
  if (listen(listener, 256) != 0) die("listen");
  if (getsockname(listener, (struct sockaddr *)&addr, &len) != 0) die("getsockname");
  server = fork();
  if (server < 0) die("fork");
  if (server == 0) serve(listener);
  close(listener);
  start = now();
  for (i = 0; i < threads; i++)
    if (pthread_create(&tids[i], NULL, client, NULL) != 0) die("pthread_create");
  for (i = 0; i < threads; i++) pthread_join(tids[i], NULL);
  elapsed = now() - start;
  kill(server, SIGTERM);
  waitpid(server, &status, 0);
  n = per_thread * threads;
  printf("floor: exchanges=%d threads=%d elapsed=%.3f s rate=%.1f exchanges/s (%.1f us each)\n", n, threads,
         elapsed, n / elapsed, elapsed * 1e6 / n);
  (void)quiet;
  return 0;
}
