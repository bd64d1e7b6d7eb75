"""A local fake WhatsApp provider over real HTTP (``http.server`` in a thread): it records each request
and answers what the test sets (a status and a JSON body, or a delay longer than the client waits)."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeGateway:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    status: int = 200
    answer: dict[str, Any] = field(default_factory=lambda: {"id": "gw-1"})
    delay: float = 0.0


@contextmanager
def fake_gateway() -> Iterator[FakeGateway]:
    gateway = FakeGateway()
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            raw = self.rfile.read(length).decode()
            if self.headers.get("content-type", "").startswith("application/json"):
                body = json.loads(raw)
            else:
                body = {k: v[0] for k, v in parse_qs(raw).items()}
            gateway.requests.append(Request(self.path, dict(self.headers), body))
            if gateway.delay:
                release.wait(gateway.delay)
            data = json.dumps(gateway.answer).encode()
            try:
                self.send_response(gateway.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join()
