"""HTTP clients for calls out of the app (WhatsApp providers, the payment gateway).

Each call gets its own short-lived client, but all share one TLS context per process: building
one (reading the CA bundle) costs about 25 ms of CPU, which every WhatsApp message paid on the
job runner's worker, beside the requests it serves (a booking rush sends a message per hold)."""

import ssl
from functools import cache

import httpx


@cache
def tls_context() -> ssl.SSLContext:
    """httpx's default verification (certificate bundle, hostname checks), built once."""
    return httpx.create_ssl_context()


def outbound_client(timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=timeout, verify=tls_context())
