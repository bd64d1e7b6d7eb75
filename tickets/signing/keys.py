"""The pass signing keys: Ed25519 private keys in a file outside the database, created on first use.

The file (``EXPO_SIGNING_KEY_FILE``, mode 0600) holds every key ever used, by key id; the newest
signs, all verify, so passes printed before a rotation keep working. Only public keys leave the
server (``GET /api/passes/keys``). Several workers or machines must share the same file.
"""

import base64
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FILE_FORMAT = 1
_lock = threading.Lock()
_cache: dict[Path, tuple[int, "KeyRing"]] = {}


@dataclass(frozen=True)
class PublicKeyInfo:
    key_id: int
    public_key: str  # raw 32 bytes, base64url without padding
    created_at: str
    signing: bool


@dataclass(frozen=True)
class KeyRing:
    signing_key_id: int
    private_keys: Mapping[int, Ed25519PrivateKey]
    created_at: Mapping[int, str]

    @property
    def signer(self) -> Ed25519PrivateKey:
        return self.private_keys[self.signing_key_id]

    def public_keys(self) -> dict[int, Ed25519PublicKey]:
        return {kid: key.public_key() for kid, key in self.private_keys.items()}

    def describe(self) -> list[PublicKeyInfo]:
        return [
            PublicKeyInfo(
                key_id=kid,
                public_key=public_key_text(key.public_key()),
                created_at=self.created_at.get(kid, ""),
                signing=kid == self.signing_key_id,
            )
            for kid, key in sorted(self.private_keys.items())
        ]


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def public_key_from_text(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def _private_text(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return base64.b64encode(raw).decode()


def _entry(kid: int, key: Ed25519PrivateKey) -> dict[str, object]:
    return {
        "key_id": kid,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "private_key": _private_text(key),
    }


def _parse(text: str) -> KeyRing:
    data = json.loads(text)
    if data.get("format") != FILE_FORMAT:
        raise ValueError("unknown signing key file format")
    keys: dict[int, Ed25519PrivateKey] = {}
    created: dict[int, str] = {}
    for item in data["keys"]:
        kid = int(item["key_id"])
        if not 1 <= kid <= 255:
            raise ValueError("key ids are 1-255")
        keys[kid] = Ed25519PrivateKey.from_private_bytes(base64.b64decode(item["private_key"]))
        created[kid] = str(item.get("created_at", ""))
    signing = int(data["signing_key_id"])
    if signing not in keys:
        raise ValueError("the signing key is not in the file")
    return KeyRing(signing_key_id=signing, private_keys=keys, created_at=created)


def _dump(ring: KeyRing, entries: list[dict[str, object]]) -> str:
    return json.dumps({"format": FILE_FORMAT, "signing_key_id": ring.signing_key_id, "keys": entries}, indent=2) + "\n"


def _write_new(path: Path, text: str) -> bool:
    """Create ``path`` with mode 0600 unless it exists (another worker won the race)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    return True


def load_keys(path: Path) -> KeyRing:
    """The key ring in ``path``, creating the file with one new key when it is missing.

    Read again when the file changes, so a rotation reaches running workers without a restart.
    """
    with _lock:
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            key = Ed25519PrivateKey.generate()
            ring = KeyRing(signing_key_id=1, private_keys={1: key}, created_at={})
            _write_new(path, _dump(ring, [_entry(1, key)]))
            mtime = path.stat().st_mtime_ns
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        ring = _parse(path.read_text())
        _cache[path] = (mtime, ring)
        return ring


def rotate_keys(path: Path) -> KeyRing:
    """Add a new key and sign with it from now on; older keys still verify the passes they signed."""
    load_keys(path)
    with _lock:
        data = json.loads(path.read_text())
        next_id = max(int(item["key_id"]) for item in data["keys"]) + 1
        if next_id > 255:
            raise ValueError("all 255 key ids are used")
        data["keys"].append(_entry(next_id, Ed25519PrivateKey.generate()))
        data["signing_key_id"] = next_id
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(data, indent=2) + "\n")
        tmp.replace(path)
        _cache.pop(path, None)
    return load_keys(path)
