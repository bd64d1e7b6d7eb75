"""Fixtures of the messaging tests: settings that deliver to a given SMTP server or WhatsApp provider."""

from collections.abc import Callable
from typing import Any

import pytest

from expo.settings import Settings

Configure = Callable[..., Settings]


@pytest.fixture
def configure(settings: Settings) -> Configure:
    """``configure(smtp_host=..., ...)``: the test's settings with these changed; jobs retry at once."""

    def make(**changes: Any) -> Settings:
        values: dict[str, Any] = {"job_backoff_base_seconds": 0.0, "job_backoff_max_seconds": 0.0}
        return settings.model_copy(update=values | changes)

    return make
