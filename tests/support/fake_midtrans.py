"""A local fake Midtrans (Snap) over real HTTP: a small Litestar app under uvicorn in a thread.

It behaves as Midtrans does where the app meets it: ``POST /snap/v1/transactions`` checks the Basic
auth server key and the transaction, answers a token and a redirect URL (whose page it serves); and
``settle`` / ``notify`` make the HTTP notification Midtrans would POST, signed with *its* copy of the
server key (SHA-512 of order id, status code, gross amount and key), for the test to deliver to the
app's webhook. It computes the signature itself (not with the app's code), so a wrong formula in the
app fails the tests."""

import base64
import hashlib
import html
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath


@dataclass
class Order:
    order_id: str
    gross_amount: int
    body: dict[str, Any]
    token: str


@dataclass
class FakeMidtrans:
    server_key: str
    url: str = ""
    orders: dict[str, Order] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    down: bool = False  # answer 500 to every transaction, as an outage would

    def notify(
        self, order_id: str, transaction_status: str = "settlement", *, gross_amount: int | None = None, **extra: str
    ) -> dict[str, Any]:
        """The notification body Midtrans would POST about an order (amount: the order's, or another)."""
        order = self.orders[order_id]
        amount = f"{order.gross_amount if gross_amount is None else gross_amount}.00"
        status_code = {"settlement": "200", "capture": "200", "pending": "201"}.get(transaction_status, "202")
        signed = hashlib.sha512(f"{order_id}{status_code}{amount}{self.server_key}".encode()).hexdigest()
        return {
            "transaction_time": "2026-12-04 19:30:00",
            "transaction_status": transaction_status,
            "transaction_id": f"fake-{secrets.token_hex(8)}",
            "status_message": "midtrans payment notification",
            "status_code": status_code,
            "signature_key": signed,
            "payment_type": "bank_transfer",
            "order_id": order_id,
            "merchant_id": "G000000000",
            "gross_amount": amount,
            "fraud_status": "accept",
            "currency": "IDR",
            **extra,
        }

    def settle(self, order_id: str, **kwargs: Any) -> dict[str, Any]:
        return self.notify(order_id, "settlement", **kwargs)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _app(fake: FakeMidtrans) -> Litestar:
    expected = "Basic " + base64.b64encode(f"{fake.server_key}:".encode()).decode()

    @post("/snap/v1/transactions", status_code=201)
    async def transactions(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        body = await request.json()
        fake.requests.append(body)
        if fake.down:
            return Response({"error_messages": ["internal error"]}, status_code=500)
        if request.headers.get("authorization") != expected:
            return Response({"error_messages": ["Access denied due to unauthorized transaction"]}, status_code=401)
        details = body.get("transaction_details") or {}
        order_id, amount = details.get("order_id"), details.get("gross_amount")
        if not isinstance(order_id, str) or not isinstance(amount, int) or amount < 1:
            return Response({"error_messages": ["transaction_details is invalid"]}, status_code=400)
        if order_id in fake.orders:
            return Response({"error_messages": ["order_id has already been taken"]}, status_code=400)
        token = secrets.token_hex(16)
        fake.orders[order_id] = Order(order_id, amount, body, token)
        return Response({"token": token, "redirect_url": f"{fake.url}/snap/v4/redirection/{token}"}, status_code=201)

    @get("/snap/v4/redirection/{token:str}", media_type="text/html")
    async def payment_page(token: FromPath[str]) -> str:
        """The hosted page; its link back is the ``finish`` callback with the order, as Snap adds it."""
        order = next((o for o in fake.orders.values() if o.token == token), None)
        if order is None:
            return "<h1>Unknown</h1>"
        finish = str(order.body.get("callbacks", {}).get("finish", ""))
        back = f"{finish}{'&' if '?' in finish else '?'}order_id={order.order_id}&transaction_status=settlement"
        return f'<h1>Pay</h1><p>{order.gross_amount}</p><a id="back" href="{html.escape(back)}">Back</a>'

    return Litestar(route_handlers=[transactions, payment_page])


@contextmanager
def fake_midtrans(server_key: str = "SB-Mid-server-fake-key") -> Iterator[FakeMidtrans]:
    fake = FakeMidtrans(server_key=server_key)
    port = _free_port()
    fake.url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(
        uvicorn.Config(_app(fake), host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name=f"fake-midtrans-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake Midtrans did not start")
        time.sleep(0.05)
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=10)
