"""What a report request accepts."""

from datetime import date
from typing import Literal

from expo.text import CleanInput


class ReportRequest(CleanInput):
    start: date
    end: date
    locale: Literal["id", "en"] = "id"
