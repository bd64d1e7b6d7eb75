"""QR matrices, fast: a fixed error correction level and mask pattern, the layout cached per version.

``qrcode`` picks the mask by scoring all eight candidates, which costs ~10x the encoding itself, and
computes Reed-Solomon bytes with polynomial objects. Any mask decodes equally well, so we fix one,
take the symbol's layout (finder, timing and alignment patterns, format information) from ``qrcode``
once per configuration, and then only fill in the data and Reed-Solomon bytes per text.

Pass tokens use one fixed version in alphanumeric mode (``matrix_bits``); any other text (a
verification link on a receipt) takes the smallest version that holds its bytes
(``byte_matrix_bits``). ``tests/tickets/signing/test_pass_tokens.py`` and ``tests/expo/test_qr.py``
check the result module for module against ``qrcode`` and decode it with zxing-cpp.

Pure: no database, no web (moved here from ``tickets.printing`` so booths' documents use it too).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from qrcode import constants, util
from qrcode.base import gexp, glog, rs_blocks
from qrcode.main import QRCode

# Version 6 (41 x 41 modules), level M (15 % of the symbol may be damaged): holds 154 alphanumeric
# characters, enough for a token of up to 96 bytes in base32 (ours are 81-85 bytes).
VERSION = 6
ERROR_CORRECTION = constants.ERROR_CORRECT_M
MASK = 2  # lowest mean penalty score over random tokens (all eight are within 10 %)
QUIET_ZONE = 4  # modules of white required around the symbol

_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALNUM_VALUE = {c: i for i, c in enumerate(_ALNUM)}
_PAD = (0xEC, 0x11)


class QrTooLong(ValueError):
    """The text does not fit the fixed symbol size."""


@dataclass(frozen=True)
class _Layout:
    size: int
    data_capacity: int  # data codewords
    blocks: tuple[tuple[int, int], ...]  # (data codewords, error-correction codewords) per block
    count_bits: int
    base_bits: str  # function modules, row by row, "1" dark (data modules are "0" here)
    positions: tuple[tuple[int, int], ...]  # data modules in placement order
    mask_bits: int  # the mask over ``positions``, first position in the highest bit
    # Picks the symbol, row by row, out of "data bits in placement order" + "function modules row by row".
    gather: Callable[[str], Sequence[str]]
    # ec count -> for each byte value x: the generator times x, as one big-endian integer
    generators: dict[int, tuple[int, ...]]


def _gf_mul_table(coefficient: int) -> tuple[int, ...]:
    """``x -> coefficient * x`` in GF(256), for every byte ``x``."""
    if coefficient == 0:
        return (0,) * 256
    log_c = glog(coefficient)
    return (0, *(gexp(log_c + glog(x)) for x in range(1, 256)))


def _generator(ec_count: int) -> tuple[int, ...]:
    poly = [1]
    for i in range(ec_count):
        # multiply by (x - a^i)
        factor = gexp(i)
        out = [0] * (len(poly) + 1)
        for j, coef in enumerate(poly):
            out[j] ^= coef
            if coef:
                out[j + 1] ^= gexp(glog(coef) + glog(factor))
        poly = out
    tables = [_gf_mul_table(c) for c in poly[1:]]
    return tuple(int.from_bytes(bytes(t[x] for t in tables), "big") for x in range(256))


@cache
def _layout(version: int = VERSION, error_correction: int = ERROR_CORRECTION, mask: int = MASK) -> _Layout:
    q: QRCode = QRCode(version=version, error_correction=error_correction, mask_pattern=mask, border=0)
    n = version * 4 + 17
    q.modules_count = n
    q.modules = [[None] * n for _ in range(n)]
    q.setup_position_probe_pattern(0, 0)
    q.setup_position_probe_pattern(n - 7, 0)
    q.setup_position_probe_pattern(0, n - 7)
    q.setup_position_adjust_pattern()
    q.setup_timing_pattern()
    q.setup_type_info(False, mask)
    if version >= 7:
        q.setup_type_number(False)
    modules = q.modules
    base = "".join("1" if modules[r][c] else "0" for r in range(n) for c in range(n))
    positions: list[tuple[int, int]] = []
    row, step = n - 1, -1
    for col in range(n - 1, 0, -2):
        if col <= 6:
            col -= 1  # noqa: PLW2901  (the vertical timing pattern is skipped, as the standard says)
        while True:
            for c in (col, col - 1):
                if modules[row][c] is None:
                    positions.append((row, c))
            row += step
            if row < 0 or row >= n:
                row -= step
                step = -step
                break
    masked = util.mask_func(mask)
    mask_bits = 0
    for r, c in positions:
        mask_bits = (mask_bits << 1) | (1 if masked(r, c) else 0)
    blocks = tuple((b.data_count, b.total_count - b.data_count) for b in rs_blocks(version, error_correction))
    index = {pos: i for i, pos in enumerate(positions)}
    gather = itemgetter(*(index.get((r, c), len(positions) + r * n + c) for r in range(n) for c in range(n)))
    return _Layout(
        size=n,
        data_capacity=sum(d for d, _ in blocks),
        blocks=blocks,
        count_bits=util.length_in_bits(util.MODE_ALPHA_NUM, version),
        base_bits=base,
        positions=tuple(positions),
        mask_bits=mask_bits,
        generators={ec: _generator(ec) for ec in {e for _, e in blocks}},
        gather=gather,
    )


def capacity(version: int = VERSION, error_correction: int = ERROR_CORRECTION) -> int:
    """How many alphanumeric characters fit."""
    layout = _layout(version, error_correction, MASK)
    bits = layout.data_capacity * 8 - 4 - layout.count_bits
    return (bits // 11) * 2 + (1 if bits % 11 >= 6 else 0)


def _data_codewords(text: str, layout: _Layout) -> bytes:
    try:
        values = [_ALNUM_VALUE[c] for c in text]
    except KeyError as exc:
        raise ValueError(f"not a QR alphanumeric character: {exc.args[0]!r}") from None
    acc, nbits = 0b0010, 4  # mode: alphanumeric
    acc, nbits = (acc << layout.count_bits) | len(values), nbits + layout.count_bits
    for i in range(0, len(values) - 1, 2):
        acc, nbits = (acc << 11) | (values[i] * 45 + values[i + 1]), nbits + 11
    if len(values) % 2:
        acc, nbits = (acc << 6) | values[-1], nbits + 6
    limit = layout.data_capacity * 8
    if nbits > limit:
        raise QrTooLong(f"{len(text)} characters do not fit QR version {VERSION}")
    terminator = min(4, limit - nbits)
    acc, nbits = acc << terminator, nbits + terminator
    if nbits % 8:
        acc, nbits = acc << (8 - nbits % 8), nbits + (8 - nbits % 8)
    data = acc.to_bytes(nbits // 8, "big")
    fill = layout.data_capacity - len(data)
    return data + bytes(_PAD[i % 2] for i in range(fill))


def _ec_codewords(block: bytes, generator: Sequence[int], ec_count: int) -> bytes:
    """The Reed-Solomon remainder of ``block``: the register is one integer, each step one XOR."""
    shift = 8 * (ec_count - 1)
    keep = (1 << (8 * ec_count)) - 1
    remainder = 0
    for byte in block:
        remainder = ((remainder << 8) & keep) ^ generator[byte ^ (remainder >> shift)]
    return remainder.to_bytes(ec_count, "big")


def matrix_bits(text: str) -> str:
    """The symbol (no quiet zone) as ``size * size`` characters "0"/"1", row by row; "1" is dark."""
    layout = _layout()
    return _symbol_bits(_data_codewords(text, layout), layout)


def _byte_codewords(data: bytes, layout: _Layout, count_bits: int) -> bytes:
    acc, nbits = 0b0100, 4  # mode: 8-bit bytes
    acc, nbits = (acc << count_bits) | len(data), nbits + count_bits
    acc, nbits = (acc << (8 * len(data))) | int.from_bytes(data, "big"), nbits + 8 * len(data)
    limit = layout.data_capacity * 8
    terminator = min(4, limit - nbits)
    acc, nbits = acc << terminator, nbits + terminator
    if nbits % 8:
        acc, nbits = acc << (8 - nbits % 8), nbits + (8 - nbits % 8)
    head = acc.to_bytes(nbits // 8, "big")
    fill = layout.data_capacity - len(head)
    return head + bytes(_PAD[i % 2] for i in range(fill))


def _byte_version(length: int) -> int:
    """The smallest version whose data codewords hold ``length`` bytes in byte mode."""
    for version in range(1, 41):
        count_bits = util.length_in_bits(util.MODE_8BIT_BYTE, version)
        capacity = sum(b.data_count for b in rs_blocks(version, ERROR_CORRECTION))
        if 4 + count_bits + 8 * length <= capacity * 8:
            return version
    raise QrTooLong(f"{length} bytes do not fit a QR symbol")


def byte_matrix_bits(text: str) -> tuple[str, int]:
    """Any text (UTF-8) as a symbol of the smallest version that holds it, level M, mask ``MASK``:
    ``(bits, size)``, the bits as in ``matrix_bits``."""
    data = text.encode()
    version = _byte_version(len(data))
    layout = _layout(version, ERROR_CORRECTION, MASK)
    count_bits = util.length_in_bits(util.MODE_8BIT_BYTE, version)
    return _symbol_bits(_byte_codewords(data, layout, count_bits), layout), layout.size


def _symbol_bits(data: bytes, layout: _Layout) -> str:
    """Data codewords in blocks with their Reed-Solomon bytes, interleaved, masked and placed."""
    data_blocks: list[bytes] = []
    ec_blocks: list[bytes] = []
    offset = 0
    for data_count, ec_count in layout.blocks:
        block = data[offset : offset + data_count]
        offset += data_count
        data_blocks.append(block)
        ec_blocks.append(_ec_codewords(block, layout.generators[ec_count], ec_count))
    final = bytearray()
    for i in range(max(len(b) for b in data_blocks)):
        final.extend(b[i] for b in data_blocks if i < len(b))
    for i in range(max(len(b) for b in ec_blocks)):
        final.extend(b[i] for b in ec_blocks if i < len(b))
    npos = len(layout.positions)
    stream = int.from_bytes(final, "big")
    spare = npos - len(final) * 8  # remainder bits are 0 before masking
    bits = ((stream << spare) if spare >= 0 else (stream >> -spare)) ^ layout.mask_bits
    return "".join(layout.gather(format(bits, f"0{npos}b") + layout.base_bits))


def matrix(text: str) -> list[list[bool]]:
    """The symbol as rows of booleans (True is dark), as ``qrcode`` gives it."""
    bits = matrix_bits(text)
    n = size()
    return [[bits[r * n + c] == "1" for c in range(n)] for r in range(n)]


_RUN = re.compile("1+")


def dark_runs(bits: str, n: int | None = None) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as ``(row, first column, length)``: one rectangle each
    (``n``: the symbol's size, the pass symbol's if not given)."""
    n = n or size()
    return [
        (r, m.start() - r * n, m.end() - m.start()) for r in range(n) for m in _RUN.finditer(bits, r * n, r * n + n)
    ]


def svg_path(bits: str) -> str:
    """An SVG path of the dark modules in module units, for a ``viewBox`` of the symbol's size."""
    return "".join(f"M{c} {r}h{w}v1h-{w}z" for r, c, w in dark_runs(bits))


def size() -> int:
    return _layout().size
