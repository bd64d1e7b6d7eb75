"""Serving several worker processes on one port, each with its own listening socket.

``uvicorn --workers N`` shares one listening socket among its workers, and the worker that is
least busy at the moment a burst of connections arrives takes most of them; with keep-alive
connections (a gate's phones, a load balancer's pool) one worker then does most of the work while
the others idle. With ``SO_REUSEPORT`` every worker listens on its own socket bound to the same
port and the kernel spreads new connections evenly among them (Linux).
"""

import contextlib
import signal
import socket
import subprocess
import sys
import time
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar import Litestar

    from expo.settings import Settings

# The factory every server process runs (``expo serve``, one worker or several).
APP = "expo.serving:create_served_app"


def create_served_app(settings: "Settings | None" = None) -> "Litestar":
    """``create_app`` as a server process runs it: its event streams ended by a stop signal
    (``expo.stopping``) and the start-up's objects frozen once it has started (``expo.heap``). Not in
    ``create_app`` itself: a test process builds hundreds of apps, and what one froze would never be
    freed, nor would the signal handlers it chained."""
    from expo.app import create_app  # not at import: the supervisor process never builds an app
    from expo.heap import freeze_start_up_heap
    from expo.stopping import hear_stop_signals

    app = create_app(settings)
    app.on_startup.append(hear_stop_signals)  # open event streams end when the server is told to stop
    app.on_startup.append(freeze_start_up_heap)
    return app


# A request still open this long after the stop signal (a client that sent half its body; a
# dashboard's event stream ends at the signal, ``expo.stopping``) is given up, so that the worker
# runs its shutdown (the job worker's drain, the pool's close) and exits within
# ``serve_reuse_port``'s 20 s wait instead of being killed there.
GRACEFUL_SHUTDOWN_SECONDS = 10


def reuse_port_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """One socket per worker, bound to the port but not listening: each worker listens once its
    start-up is done (asyncio's ``create_server`` does, after uvicorn ran the app's start-up). A socket
    listening from the start took connections for a worker still importing the app and held them
    unanswered for seconds; after a restart on the gate day every scanner waited its 2 s and then
    decided alone, where a refused connection lets it decide at once (and the kernel sends new
    connections only to the workers that listen)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets = []
    for _ in range(count):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.set_inheritable(True)
        sockets.append(sock)
    return sockets


def serve_reuse_port(host: str, port: int, workers: int, *, access_log: bool = True, log_level: str = "info") -> int:
    """Run ``workers`` uvicorn processes on ``host:port`` until one exits or we are told to stop;
    stop them all then. Returns the exit status for the command line."""
    sockets = reuse_port_sockets(host, port, workers)
    options = [log_level, "access-log" if access_log else "no-access-log"]
    children = [
        subprocess.Popen(  # noqa: S603  (our own interpreter and fixed arguments, no shell)
            [sys.executable, "-m", "expo.serving", str(sock.fileno()), *options], pass_fds=[sock.fileno()]
        )
        for sock in sockets
    ]
    for sock in sockets:
        sock.close()  # the children hold them now
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    if not stopping:
        stop(signal.SIGTERM, None)  # one worker died: do not serve with fewer silently
    # Wait for every child, not only until the first bad status: a worker left running here (draining
    # a dashboard's event stream, say) would still be serving when the supervisor starts the new set.
    statuses = []
    for child in children:
        try:
            statuses.append(child.wait(timeout=20))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            statuses.append(1)
    status = next((s for s in statuses if s), 0)
    return 0 if stopping and status in (0, -signal.SIGTERM, -signal.SIGINT) else status or 1


def _worker(fd: int, log_level: str, access_log: bool) -> None:
    """One worker on an inherited socket. (Not ``uvicorn --fd``: it takes every inherited socket for
    a Unix socket, so asyncio would leave Nagle on and answers would wait for delayed ACKs.)"""
    import uvicorn

    # Proxy headers are the app's business (EXPO_TRUSTED_PROXIES, expo.http_security), not uvicorn's.
    config = uvicorn.Config(
        APP,
        factory=True,
        proxy_headers=False,
        log_level=log_level,
        access_log=access_log,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    uvicorn.Server(config).run(sockets=[socket.socket(fileno=fd)])


if __name__ == "__main__":
    _worker(int(sys.argv[1]), sys.argv[2], sys.argv[3] == "access-log")
