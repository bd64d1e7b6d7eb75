"""Per-account log-in lockout with backoff, shared by every worker.

The rate limit counts attempts per client address; someone guessing one organiser's password from
many addresses is not slowed by it. So each account counts its wrong passwords: after
``lock_after`` of them in a row, the account refuses every password (even the right one) for
``first_seconds``, doubling with each further wrong password up to ``max_seconds``. A right password
outside a lock starts the count again. The counts live in the app's store registry (Redis when
``EXPO_REDIS_URL`` is set, so every worker and machine sees them; memory otherwise), under a digest
of the e-mail rather than the address itself.

Two wrong passwords arriving at the same instant on two workers may count once (the store has no
atomic increment); the lock still comes, one attempt later at most.
"""

import hashlib
import json
import math
import time
from dataclasses import dataclass

from litestar.stores.base import Store

from expo.errors import DomainError
from expo.i18n import N_

STORE_NAME = "login_lockout"
_FORGET_AFTER = 24 * 3600  # a count untouched for a day starts again


class AccountLocked(DomainError):
    status = 429
    default_code = "account_locked"
    default_message = N_("Too many wrong passwords for this account. Try again in %(minutes)s min.")

    def __init__(self, seconds: int) -> None:
        minutes = max(1, math.ceil(seconds / 60))
        super().__init__(params={"minutes": minutes})
        self.retry_after = max(1, seconds)
        self.headers = {"Retry-After": str(self.retry_after)}


@dataclass(frozen=True)
class LockoutPolicy:
    lock_after: int = 5
    first_seconds: int = 60
    max_seconds: int = 3600

    def lock_seconds(self, failures: int) -> int:
        """How long the account stays locked after its ``failures``-th wrong password in a row."""
        if failures < self.lock_after:
            return 0
        return int(min(self.max_seconds, self.first_seconds * 2 ** (failures - self.lock_after)))


class LoginLockout:
    def __init__(self, store: Store, policy: LockoutPolicy) -> None:
        self._store = store
        self._policy = policy

    @staticmethod
    def _key(email: str) -> str:
        return "acct:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()

    async def _read(self, email: str) -> tuple[int, float]:
        raw = await self._store.get(self._key(email))
        if not raw:
            return 0, 0.0
        data = json.loads(raw)
        return int(data.get("failures", 0)), float(data.get("until", 0.0))

    async def check(self, email: str) -> None:
        """Raise :class:`AccountLocked` while the account is locked (before any password is checked)."""
        _, until = await self._read(email)
        left = until - time.time()
        if left > 0:
            raise AccountLocked(math.ceil(left))

    async def failed(self, email: str) -> None:
        failures, _ = await self._read(email)
        failures += 1
        seconds = self._policy.lock_seconds(failures)
        until = time.time() + seconds if seconds else 0.0
        await self._store.set(
            self._key(email), json.dumps({"failures": failures, "until": until}), expires_in=_FORGET_AFTER + seconds
        )

    async def succeeded(self, email: str) -> None:
        await self._store.delete(self._key(email))
