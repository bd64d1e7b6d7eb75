"""Dependency providers shared by every domain's handlers."""

from typing import Any

from litestar import Request
from litestar.datastructures import State

from expo.lockout import STORE_NAME, LockoutPolicy, LoginLockout
from expo.security import Passwords
from expo.settings import Settings
from expo.storage import Storage

PASSWORDS_STATE_KEY = "expo_passwords"
SETTINGS_STATE_KEY = "expo_settings"
STORAGE_STATE_KEY = "expo_storage"


def provide_passwords(state: State) -> Passwords:
    passwords: Passwords = state[PASSWORDS_STATE_KEY]
    return passwords


def provide_settings(state: State) -> Settings:
    settings: Settings = state[SETTINGS_STATE_KEY]
    return settings


def provide_storage(state: State) -> Storage:
    """Where uploaded files are kept (one per app, from the settings: expo/storage.py)."""
    storage: Storage = state[STORAGE_STATE_KEY]
    return storage


def provide_lockout(request: Request[Any, Any, Any]) -> LoginLockout:
    """Per-account log-in lockout on the app's shared store (Redis when configured)."""
    settings: Settings = request.app.state[SETTINGS_STATE_KEY]
    policy = LockoutPolicy(
        lock_after=settings.login_lockout_after,
        first_seconds=settings.login_lockout_seconds,
        max_seconds=settings.login_lockout_max_seconds,
    )
    return LoginLockout(request.app.stores.get(STORE_NAME), policy)
