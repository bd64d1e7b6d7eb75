"""What tests share: factories, database settings, browser and PDF helpers (imported, never from a conftest)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent  # the repository
