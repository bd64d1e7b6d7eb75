"""``expo serve --workers 2``: one process and SO_REUSEPORT socket per worker, all on one port,
answering over real TCP and stopping together on SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from expo.serving import GRACEFUL_SHUTDOWN_SECONDS, reuse_port_sockets

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT balancing is Linux's")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_two_workers(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    """``expo serve --workers 2`` on ``port`` with a SQLite file of its own, output captured."""
    env = os.environ | {
        "EXPO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "EXPO_SECRET_KEY": "serving-test-secret-0123456789abcdef",
        "EXPO_SIGNING_KEY_FILE": str(tmp_path / "keys.json"),
    }
    command = [sys.executable, "-m", "expo.cli", "serve", "--port", str(port), "--workers", "2", "--no-access-log"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait_healthy(port: int, answers: int = 1, timeout_s: float = 60) -> None:
    """Wait until ``/health`` has answered 200 ``answers`` times, each on a new connection (which the
    kernel spreads over the workers' sockets); a refused connection is a server still starting."""
    deadline = time.monotonic() + timeout_s
    healthy = 0
    while healthy < answers:
        assert time.monotonic() < deadline, f"/health answered only {healthy} of {answers} times"
        try:
            status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        assert status == 200, status
        healthy += 1


def _workers(server: subprocess.Popen[bytes]) -> list[str]:
    return subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False).stdout.split()


def test_two_workers_share_a_port_and_stop_together(tmp_path: Path) -> None:
    port = _free_port()
    server = _serve_two_workers(tmp_path, port)
    try:
        _wait_healthy(port, answers=20, timeout_s=30)
        assert len(_workers(server)) == 2
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert server.returncode == 0, output
    assert output.count("Application startup complete") == 2


def test_a_killed_worker_stops_the_set_and_leaves_no_worker_behind(tmp_path: Path) -> None:
    """One worker killed (``kill -9``): ``expo serve`` stops the other and exits non-zero, and waits for
    it, so a supervisor's new set never serves beside an old worker still draining its requests."""
    port = _free_port()
    server = _serve_two_workers(tmp_path, port)
    try:
        _wait_healthy(port, timeout_s=30)
        children = _workers(server)
        assert len(children) == 2
        os.kill(int(children[0]), signal.SIGKILL)
        server.wait(timeout=40)
    finally:
        if server.poll() is None:
            server.kill()
        server.communicate(timeout=30)
    assert server.returncode not in (0, None)
    assert not Path(f"/proc/{children[1]}").exists() or "zombie" in Path(f"/proc/{children[1]}/status").read_text()


def test_a_request_that_never_ends_does_not_keep_a_worker_from_stopping(tmp_path: Path) -> None:
    """A request still open when the set is told to stop (a dashboard's event stream, a client that
    sent half its body) is given up after ``GRACEFUL_SHUTDOWN_SECONDS``: every worker then runs its
    shutdown (the job worker's drain, the pool's close) and exits by itself, instead of being killed by
    ``expo serve`` after its 20 s wait (exit status 1)."""
    port = _free_port()
    server = _serve_two_workers(tmp_path, port)
    hanging: list[socket.socket] = []
    try:
        _wait_healthy(port, answers=10, timeout_s=30)
        for _ in range(12):  # spread over both workers by the kernel (each misses all: 1 in 4,096)
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(
                b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n{"
            )
            hanging.append(client)
        time.sleep(0.5)
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=60)[0].decode(errors="replace")
    finally:
        for client in hanging:
            client.close()
        if server.poll() is None:
            server.kill()
            server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert output.count("Application shutdown complete") == 2, output


def test_the_sockets_take_no_connection_before_their_worker_listens() -> None:
    port = _free_port()
    sockets = reuse_port_sockets("127.0.0.1", port, 2)
    try:
        assert [sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) for sock in sockets] == [0, 0]
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
    finally:
        for sock in sockets:
            sock.close()


def test_a_starting_server_refuses_connections_until_a_worker_has_started(tmp_path: Path) -> None:
    """Not accepted and left unanswered while the workers import the app: the first connection the
    server takes comes after a worker's start-up is complete."""
    port = _free_port()
    server = _serve_two_workers(tmp_path, port)
    assert server.stdout is not None
    try:
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "the server never took a connection"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                break
            except ConnectionRefusedError:
                time.sleep(0.02)
        os.set_blocking(server.stdout.fileno(), False)
        output_so_far = server.stdout.read() or b""
        assert b"Application startup complete" in output_so_far, output_so_far.decode(errors="replace")
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)


def test_an_open_event_stream_does_not_hold_up_the_stop(tmp_path: Path) -> None:
    """A dashboard's event stream ends when the server is told to stop (``expo.stopping``): the worker
    that serves it stops as quickly as the other, not after ``GRACEFUL_SHUTDOWN_SECONDS``."""
    env = os.environ | {
        "EXPO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "EXPO_SECRET_KEY": "serving-test-secret-0123456789abcdef",
        "EXPO_SIGNING_KEY_FILE": str(tmp_path / "keys.json"),
        "EXPO_NEW_USER_PASSWORD": "rahasia-123",
    }
    cli = [sys.executable, "-m", "expo.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    organiser = ["--role", "organiser", "--email", "panitia@contoh.id", "--name", "Panitia"]
    subprocess.run([*cli, "user", "create", *organiser], env=env, check=True, capture_output=True)
    port = _free_port()
    server = _serve_two_workers(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(port)
        with httpx.Client(base_url=base, timeout=10, headers={"Authorization": "Bearer none"}) as client:
            login = client.post("/api/auth/login", json={"email": "panitia@contoh.id", "password": "rahasia-123"})
            assert login.status_code == 200, login.text
            client.headers["Authorization"] = f"Bearer {login.json()['token']}"
            expo = {
                "slug": "expo-berhenti",
                "name": "Expo Berhenti",
                "city": "Jombang",
                "venue": "Gedung Uji",
                "starts_on": "2027-01-03",
                "ends_on": "2027-01-05",
            }
            created = client.post("/api/expos", json=expo)
            assert created.status_code == 201, created.text
            with client.stream("GET", f"/api/expos/{created.json()['id']}/checkins/stream") as stream:
                lines = stream.iter_lines()
                assert next(lines).startswith("event: stats")  # the stream is open, its first numbers sent
                told = time.monotonic()
                server.send_signal(signal.SIGTERM)
                for _line in lines:  # until the server ends the stream
                    pass
            ended = time.monotonic() - told
        output = server.communicate(timeout=60)[0].decode(errors="replace")
        stopped = time.monotonic() - told
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert "timeout graceful shutdown exceeded" not in output, output
    assert ended < 5, f"the stream ended {ended:.1f} s after the stop signal"
    assert stopped < GRACEFUL_SHUTDOWN_SECONDS, f"the server stopped {stopped:.1f} s after the signal:\n{output}"
