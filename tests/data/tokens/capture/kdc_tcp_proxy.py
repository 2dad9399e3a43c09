import socket, sys, threading, struct, os
lp, kp, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
n = [0]; lock = threading.Lock()
def recvall(s, k):
    b = b''
    while len(b) < k:
        c = s.recv(k - len(b))
        if not c: return None
        b += c
    return b
def handle(c):
    u = socket.create_connection(('127.0.0.1', kp))
    for sock_from, sock_to, tag in ((c, u, 'req'), (u, c, 'rep')):
        h = recvall(sock_from, 4)
        if h is None: break
        ln = struct.unpack('>I', h)[0]
        body = recvall(sock_from, ln)
        with lock:
            n[0] += 1; idx = n[0]
        open(os.path.join(outdir, '%03d-%s.hex' % (idx, tag)), 'w').write(body.hex() + '\n')
        sock_to.sendall(h + body)
    c.close(); u.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', lp)); s.listen(8)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
