"""Dependency providers shared by every domain's handlers."""

from litestar.datastructures import State

from expo.security import Passwords
from expo.settings import Settings

PASSWORDS_STATE_KEY = "expo_passwords"
SETTINGS_STATE_KEY = "expo_settings"


def provide_passwords(state: State) -> Passwords:
    passwords: Passwords = state[PASSWORDS_STATE_KEY]
    return passwords


def provide_settings(state: State) -> Settings:
    settings: Settings = state[SETTINGS_STATE_KEY]
    return settings
