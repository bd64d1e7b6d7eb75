"""Password hashing (argon2, off the event loop) and opaque session tokens."""

import hashlib
import secrets
from functools import lru_cache

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


class Passwords:
    """Hashes and checks passwords in a worker thread so that a log-in never stalls a gate scan."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._ph = _hasher(time_cost, memory_kib)

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._ph.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        def _check() -> bool:
            try:
                return self._ph.verify(password_hash, password)
            except (VerificationError, InvalidHashError):
                return False

        return await anyio.to_thread.run_sync(_check)

    async def burn(self, password: str) -> None:
        """Spend the same time as a real check, so that unknown e-mails cannot be told apart by timing."""
        await anyio.to_thread.run_sync(self._ph.hash, password)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
