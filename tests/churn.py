# churn.py READY [--fork] - short-lived sockets (and with --fork, short-lived
# processes and threads) for as long as it runs, so that a scan taken
# meanwhile can be checked for false findings.  Writes READY once running.
import os, socket, sys, threading, time

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(128)
port = srv.getsockname()[1]


def serve():
    while True:
        c, _ = srv.accept()
        c.close()


def flood():
    while True:
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            pass
        s.close()
        u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        u.bind(("::1", 0))
        u.close()


def spawn():
    while True:
        t = threading.Thread(target=time.sleep, args=(0.001,))
        t.start()
        t.join()


forking = "--fork" in sys.argv[2:]
for f in (serve, flood, flood) + ((spawn,) if forking else ()):
    threading.Thread(target=f, daemon=True).start()
open(sys.argv[1], "w").write("ready\n")
if not forking:
    threading.Event().wait()
while True:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
