"""Offline signature checks in headless Debian chromium: the scanner page's PassTokens.verify with
WebCrypto Ed25519, and with the vendored @noble/ed25519 when WebCrypto has no Ed25519."""

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from expo.database import create_engine, create_sessionmaker
from expo.settings import Settings
from tests.support.browser import PHONE, chromium_or_skip, launch
from tests.support.gate import gate_world, issue
from tickets.signing import tokens
from tickets.signing.keys import load_keys

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

# In the page: the server's public keys as the scanner keeps them, then PassTokens.verify's code.
VERIFY = """async ([token, expoId]) => {
  const answer = await (await fetch("/api/passes/keys")).json();
  const keys = {};
  answer.keys.forEach((k) => { keys[k.key_id] = k.public_key; });
  return (await PassTokens.verify(token, keys, expoId)).code;
}"""
# Count the fallback's calls without changing it.
SPY_ON_NOBLE = """() => {
  const real = window.ExpoEd25519.verify;
  window.nobleCalls = 0;
  window.ExpoEd25519.verify = (...args) => { window.nobleCalls += 1; return real(...args); };
}"""
# A browser whose WebCrypto has no Ed25519 (e.g. Chromium before 137, Safari before 17).
NO_WEBCRYPTO_ED25519 = """() => {
  const importKey = SubtleCrypto.prototype.importKey;
  SubtleCrypto.prototype.importKey = function (format, keyData, algorithm, ...rest) {
    const name = typeof algorithm === "string" ? algorithm : algorithm && algorithm.name;
    if (String(name).toLowerCase() === "ed25519") {
      return Promise.reject(new DOMException("Unrecognized algorithm name", "NotSupportedError"));
    }
    return importKey.call(this, format, keyData, algorithm, ...rest);
  };
}"""


@dataclass
class Passes:
    base_url: str
    expo_id: int
    token: str
    other_expo_token: str


def _flip_signature_byte(token: str) -> str:
    raw = bytearray(base64.b32decode(token + "=" * (-len(token) % 8)))
    raw[-20] ^= 0x01  # inside the signature's S half (the last 64 bytes)
    return base64.b32encode(bytes(raw)).decode("ascii").rstrip("=")


@pytest.fixture
async def passes(served_app: str, served_settings: Settings) -> Passes:
    engine = create_engine(served_settings)
    try:
        async with create_sessionmaker(engine)() as session:
            world = await gate_world(session, served_settings.signing_key_file)
            other = await gate_world(session, served_settings.signing_key_file)
            _pass, token = await issue(session, world, name="Siti Aminah")
            _other_pass, other_token = await issue(session, other, name="Ahmad Dahlan")
    finally:
        await engine.dispose()
    return Passes(base_url=served_app, expo_id=world.expo_id, token=token, other_expo_token=other_token)


@pytest.fixture
async def page(passes: Passes) -> AsyncIterator[Any]:
    async with launch(chromium_or_skip()) as browser:
        context = await browser.new_context(viewport=PHONE, is_mobile=True, locale="id-ID")
        context.set_default_timeout(10_000)
        opened = await context.new_page()
        errors: list[str] = []
        opened.on("pageerror", lambda exc: errors.append(str(exc)))
        await opened.goto(f"{passes.base_url}/gate")
        await opened.wait_for_function("() => window.PassTokens !== undefined && window.ExpoEd25519 !== undefined")
        await opened.evaluate(SPY_ON_NOBLE)
        yield opened
        assert errors == []


async def _verify(page: Any, token: str, expo_id: int) -> str:
    return str(await page.evaluate(VERIFY, [token, expo_id]))


async def test_webcrypto_then_noble_fallback_decide_alike(page: Any, passes: Passes, served_settings: Settings) -> None:
    forged = _flip_signature_byte(passes.token)
    public_keys = {
        key_id: key.public_key() for key_id, key in load_keys(served_settings.signing_key_file).private_keys.items()
    }
    with pytest.raises(tokens.TokenError) as refused:  # the server refuses the altered token too
        tokens.verify(forged, public_keys)
    assert refused.value.code == "bad_signature"

    # (1) WebCrypto Ed25519 (Debian's chromium has it): a real pass, the fallback untouched.
    assert await _verify(page, passes.token, passes.expo_id) == "ok"
    assert await _verify(page, forged, passes.expo_id) == "invalid_signature"
    assert await page.evaluate("window.nobleCalls") == 0

    # (2) No Ed25519 in WebCrypto: the same pass is still admitted, now by @noble/ed25519.
    await page.evaluate(NO_WEBCRYPTO_ED25519)
    assert await _verify(page, passes.token, passes.expo_id) == "ok"
    assert await page.evaluate("window.nobleCalls") == 1
    # (3) one flipped signature byte
    assert await _verify(page, forged, passes.expo_id) == "invalid_signature"
    # (4) a genuine pass of another expo
    assert await _verify(page, passes.other_expo_token, passes.expo_id) == "wrong_expo"
    assert await page.evaluate("window.nobleCalls") == 3

    # Neither WebCrypto Ed25519 nor the fallback: only then "unverifiable".
    await page.evaluate("() => { window.ExpoEd25519 = undefined; }")
    assert await _verify(page, passes.token, passes.expo_id) == "unverifiable"
