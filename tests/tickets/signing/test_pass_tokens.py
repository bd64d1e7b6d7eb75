"""Pass tokens and their QR codes, without a database: the documented vector, every way to spoil a
token, key files, and the fast QR encoder against ``qrcode`` and a real decoder."""

import base64
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import qrcode
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from qrcode.util import MODE_ALPHA_NUM, QRData

from expo import qr
from tests.support import ROOT
from tickets.signing import tokens
from tickets.signing.keys import load_keys, public_key_from_text, public_key_text, rotate_keys

DOC = ROOT / "docs" / "qr-token.md"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = {1: KEY.public_key()}
CLAIMS = tokens.Claims(
    key_id=1, expo_id=1, serial=0x0123456789AB, kind=2, days=(date(2026, 10, 21), date(2026, 10, 23))
)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _doc_value(label: str) -> str:
    text = DOC.read_text()
    if label == "token":
        return re.search(r"```\n([A-Z2-7]+)\n```", text).group(1)  # type: ignore[union-attr]
    return re.search(rf"- {label}[^`]*`([^`]+)`", text).group(1)  # type: ignore[union-attr]


def test_the_documented_test_vector_holds() -> None:
    assert public_key_text(KEY.public_key()) == _doc_value("public key")
    assert tokens.encode_payload(CLAIMS).hex() == _doc_value("payload")
    assert KEY.sign(tokens.DOMAIN + tokens.encode_payload(CLAIMS)).hex() == _doc_value("signature")
    token = tokens.sign(CLAIMS, KEY)
    assert token == _doc_value("token")
    assert tokens.verify(token, {1: public_key_from_text(_doc_value("public key"))}, expo_id=1) == CLAIMS


def test_a_token_is_upper_case_base32_that_fits_the_fixed_qr_symbol() -> None:
    token = tokens.sign(CLAIMS, KEY)
    assert len(token) == 130
    assert set(token) <= set(ALPHABET)
    long_span = tokens.Claims(
        1, 2**32 - 1, tokens.MAX_SERIAL, 255, (date(2026, 1, 1), date(2026, 1, 1) + timedelta(119))
    )
    assert len(tokens.sign(long_span, KEY)) <= qr.capacity()


def test_every_single_changed_character_is_refused() -> None:
    token = tokens.sign(CLAIMS, KEY)
    for i, original in enumerate(token):
        for replacement in (
            ALPHABET[(ALPHABET.index(original) + 1) % 32],
            ALPHABET[(ALPHABET.index(original) + 17) % 32],
        ):
            spoiled = token[:i] + replacement + token[i + 1 :]
            with pytest.raises(tokens.TokenError):
                tokens.verify(spoiled, PUBLIC)


@pytest.mark.parametrize("cut", [1, 2, 8, 64, 129])
def test_a_truncated_token_is_malformed(cut: int) -> None:
    token = tokens.sign(CLAIMS, KEY)
    with pytest.raises(tokens.TokenError) as error:
        tokens.verify(token[:-cut], PUBLIC)
    assert error.value.code == "malformed"


def test_unknown_key_wrong_expo_and_foreign_input_are_named() -> None:
    token = tokens.sign(CLAIMS, KEY)
    other = Ed25519PrivateKey.generate()
    with pytest.raises(tokens.TokenError) as unknown:
        tokens.verify(token, {2: other.public_key()})
    assert unknown.value.code == "unknown_key"
    with pytest.raises(tokens.TokenError) as forged:
        tokens.verify(tokens.sign(CLAIMS, other), PUBLIC)  # signed by a key that is not ours, same key id
    assert forged.value.code == "bad_signature"
    with pytest.raises(tokens.TokenError) as elsewhere:
        tokens.verify(token, PUBLIC, expo_id=2)
    assert elsewhere.value.code == "wrong_expo"
    for junk in ["", "hello", token.lower(), token + "=", "0" * 130, "é" * 10, " " + token]:
        with pytest.raises(tokens.TokenError):
            tokens.verify(junk, PUBLIC)
    future = base64.b32encode(b"\x02" + base64.b32decode(token + "======")[1:]).decode().rstrip("=")
    with pytest.raises(tokens.TokenError) as version:
        tokens.verify(future, PUBLIC)
    assert version.value.code == "unsupported_version"


def test_claims_out_of_range_are_refused_when_signing() -> None:
    for bad in [
        tokens.Claims(0, 1, 1, 1, (date(2026, 1, 1),)),
        tokens.Claims(1, 1, 0, 1, (date(2026, 1, 1),)),
        tokens.Claims(1, 1, 1, 1, ()),
        tokens.Claims(1, 1, 1, 1, (date(2026, 1, 1), date(2026, 12, 1))),
    ]:
        with pytest.raises(ValueError, match=r"range|1-255|at least one day|span"):
            tokens.sign(bad, KEY)


def test_the_key_file_is_created_private_and_rotation_keeps_old_keys(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.json"
    ring = load_keys(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_keys(path).describe() == ring.describe()
    token = tokens.sign(tokens.Claims(ring.signing_key_id, 1, 7, 1, (date(2026, 1, 1),)), ring.signer)
    rotated = rotate_keys(path)
    assert rotated.signing_key_id == 2
    assert set(rotated.private_keys) == {1, 2}
    assert tokens.verify(token, rotated.public_keys()).serial == 7
    assert path.stat().st_mode & 0o777 == 0o600
    assert "private" not in str([k.__dict__ for k in rotated.describe()])


# --- the QR symbol ------------------------------------------------------------------------------
def _reference(text: str) -> list[list[bool]]:
    code = qrcode.QRCode(version=qr.VERSION, error_correction=qr.ERROR_CORRECTION, border=0, mask_pattern=qr.MASK)
    code.add_data(QRData(text, mode=MODE_ALPHA_NUM))
    code.make(fit=False)
    return [[bool(m) for m in row] for row in code.modules]


@pytest.mark.parametrize("size", [1, 40, 81, 85, 96])
def test_the_fast_encoder_draws_exactly_what_qrcode_draws(size: int) -> None:
    for _ in range(5):
        text = base64.b32encode(os.urandom(size)).decode().rstrip("=")
        assert qr.matrix(text) == _reference(text)


def test_the_symbol_decodes_with_zxing_and_too_long_text_is_refused() -> None:
    token = tokens.sign(CLAIMS, KEY)
    modules = qr.matrix(token)
    n, scale, quiet = len(modules), 6, qr.QUIET_ZONE
    image = Image.new("L", ((n + 2 * quiet) * scale,) * 2, 255)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                image.paste(
                    0, ((c + quiet) * scale, (r + quiet) * scale, (c + quiet + 1) * scale, (r + quiet + 1) * scale)
                )
    [found] = zxingcpp.read_barcodes(image)
    assert found.text == token
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    assert sum(w for _, _, w in qr.dark_runs(qr.matrix_bits(token))) == sum(map(sum, modules))
    with pytest.raises(qr.QrTooLong):
        qr.matrix("A" * (qr.capacity() + 1))
    with pytest.raises(ValueError, match="alphanumeric"):
        qr.matrix("lower case")
