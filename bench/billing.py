"""Billing benchmarks: one function per figure, each printing JSON lines on stdout
(``{"name", "value", "unit", ...}``), progress on stderr.

- ``receipts_batch``: an expo's receipts printed in one batch (``booths.billing.draw.render_many``,
  A5, one process): receipts per second, and the peak resident set of the process that printed
  them. Each batch runs in a fresh child process (``--receipts-child N``) so its peak memory is its
  own; a smaller batch runs too, and the difference shows whether memory grows with the batch.
- ``statement_match_s``: a 5,000-line bank statement (BCA-style CSV with account lines, CR/DB marks,
  debits and unreadable lines among the credits) read by ``parse_statement`` and matched by
  ``match_credits`` against 2,000 open bills carrying unique 3-digit codes: the seconds for both
  (the pure core of the treasurer's statement page; no database; the issue asks for under 2 s). The
  run fails if a credit whose amount fits exactly one bill and no other line is not proposed for it.

    python bench/billing.py                   # every figure
    python bench/billing.py --receipts 2000   # a bigger batch
    python bench/billing.py --only statement  # one figure (statement, receipts)
"""

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


if TYPE_CHECKING:
    from booths.billing.draw.documents import ReceiptDocument


def log(message: str) -> None:
    print(f"[billing] {message}", file=sys.stderr, flush=True)


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit} | extra), flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _receipts(n: int) -> Iterator["ReceiptDocument"]:
    """Receipts as the batch job builds them, one at a time: the expo's letterhead, logo, signature
    and stamp shared, a different exhibitor, amount and verification link each; a fifth Arabic."""
    from booths.billing.draw import Party
    from tests.booths.billing import document_samples as samples

    base = samples.receipt()
    businesses = ("Kopontren Al-Hikmah", "UD Berkah Santri", "Batik Tebuireng", "Kripik Mbok Sri", "معهد النور")
    for i in range(1, n + 1):
        amount = 250_000 + (i * 37_000) % 9_000_000
        number = f"KW/EXPO26/{i:04d}"
        yield replace(
            base,
            number=number,
            amount=amount,
            received_from=Party(name=f"Peserta {i}", business=f"{businesses[i % 5]} {i}"),
            purpose=f"Pembayaran sewa stan B-{i % 120 + 1:03d}, Expo UMKM Pesantren Jombang 2026",
            verify_url=f"https://expo.example.id/verify/KW-EXPO26-{i:04d}.{amount}.Yb3kq9Xv2LmP0sTz{i % 10}",
        )


def receipts_child(n: int) -> None:
    """Print ``n`` receipts into a temporary file; report the time and this process's peak memory."""
    from booths.billing.draw import render_many
    from expo.fonts import register_fonts

    register_fonts()
    render_many(_receipts(2), io.BytesIO(), "A5")  # warm: fonts parsed, code paths loaded
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "receipts.pdf")
        start = time.perf_counter()
        with path.open("wb") as out:
            result = render_many(_receipts(n), out, "A5", title="Kuitansi")
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "pages": result.pages, "bytes": result.size, "peak": peak_rss_mb()}))


def _run_child(n: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--receipts-child", str(n)], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def receipts_batch(n: int = 1000) -> None:
    """``billing.receipts_per_s`` and ``billing.receipts_peak_rss_mb`` (goal: 1,000 receipts at least
    100/s with memory flat), and ``billing.receipts_rss_growth_mb``: the peak of ``n`` minus that of
    ``n // 4`` receipts."""
    small = max(1, n // 4)
    log(f"{small} receipts (memory baseline)")
    base = _run_child(small)
    log(f"{n} receipts")
    big = _run_child(n)
    load = Path("/proc/loadavg").read_text().split()[0]
    emit("billing.receipts_per_s", n / big["seconds"], "receipts/s", receipts=n, paper="A5", loadavg=load)
    emit("billing.receipts_peak_rss_mb", big["peak"], "MB", receipts=n, mb_per_page=round(big["bytes"] / n / 1e6, 4))
    emit("billing.receipts_rss_growth_mb", big["peak"] - base["peak"], "MB", receipts=f"{small} -> {n}")


NAMES = ("BUDI SANTOSO", "SITI AMINAH", "KERIPIK MBOK SRI", "CV ANEKA RASA", "BATIK SEKAR", "AHMAD FAUZI")


def open_bills(count: int, rng: random.Random) -> list[Any]:
    """Bills of a few package prices, each plus its own code 1..999 (so amounts are mostly unique)."""
    from booths.billing.statement_match import OpenBill

    prices = (1_500_000, 2_250_000, 3_000_000, 750_000, 5_000_000)
    codes = rng.sample(range(1, 1000), k=min(count, 999))
    bills = []
    for i in range(count):
        outstanding = rng.choice(prices) + codes[i % len(codes)]
        dp = outstanding // 2 if i % 3 == 0 else None
        bills.append(OpenBill(i + 1, f"INV/EXPO26/{i + 1:04d}", f"Usaha {i + 1}", outstanding, dp))
    return bills


def statement(bills: list[Any], lines: int, rng: random.Random) -> tuple[bytes, dict[int, int]]:
    """A BCA-style export: most bills paid once, the rest fees, unrelated credits and a few broken lines.

    Returns the file and, per line number, the bill its credit was made to pay (only amounts no other
    line and no other bill has, so the matcher must find each of them).
    """
    head = [
        "No. rekening : 0123456789",
        "Nama : PANITIA EXPO UMKM NUSANTARA",
        "Periode : 01/10/2026 - 31/10/2026",
        "Kode Mata Uang : Rp",
        "",
        "Tanggal Transaksi,Keterangan,Cabang,Jumlah,,Saldo",
    ]
    amount_count = Counter(b.outstanding for b in bills) + Counter(b.dp_amount for b in bills if b.dp_amount)
    paying = rng.sample(bills, k=min(len(bills), lines * 36 // 100))
    rows: list[tuple[str, int | None]] = []
    for bill in paying:
        hint = rng.choice((f"{bill.number.replace('/', ' ')} ", "", f"{rng.choice(NAMES)} "))
        rows.append(
            (f"TRSF E-BANKING CR {rng.randint(1000, 9999)}/FTSCY/WS9{rng.randint(1000, 9999)} {hint}", bill.bill_id)
        )
    while len(rows) < lines:
        kind = rng.random()
        if kind < 0.5:
            rows.append(("BIAYA ADM DB", None))
        elif kind < 0.97:
            rows.append((f"SETORAN TUNAI {rng.choice(NAMES)} CR", None))
        else:
            rows.append(("RUSAK", None))
    rng.shuffle(rows)
    body: list[str] = []
    expected: dict[int, int] = {}
    by_id = {b.bill_id: b for b in bills}
    balance = 10_000_000
    for n, (text, bill_id) in enumerate(rows):
        day = f"'{1 + n * 30 // lines:02d}/10"
        if bill_id is not None:
            amount = by_id[bill_id].outstanding
            balance += amount
            body.append(f"{day},{text.strip()},'0000,{amount}.00,CR,{balance}.00")
            if amount_count[amount] == 1:
                expected[len(head) + len(body)] = bill_id
        elif text == "BIAYA ADM DB":
            balance -= 6_500
            body.append(f"{day},BIAYA ADM,'0000,6500.00,DB,{balance}.00")
        elif text == "RUSAK":
            body.append(f"'3{n % 9}/13,TRSF RUSAK,'0000,1000.00,CR,{balance}.00")
        else:
            amount = rng.randint(10, 900) * 1000
            balance += amount
            body.append(f"{day},{text[:-3]},'0000,{amount}.00,CR,{balance}.00")
    # An amount written twice in the file is not a unique match: leave those out of what must be found.
    line_amounts = Counter(line.split(",")[3] for line in body)
    expected = {
        line: bill_id
        for line, bill_id in expected.items()
        if line_amounts[body[line - len(head) - 1].split(",")[3]] == 1
    }
    footer = ["Saldo Awal,10000000.00", f"Saldo Akhir,{balance}.00"]
    return ("\r\n".join(head + body + footer) + "\r\n").encode(), expected


def statement_match_s(bills_count: int = 2000, lines: int = 5000, seed: int = 1) -> bool:
    """Parse and match a statement; print the seconds; False if an expected match is missing."""
    from booths.billing.statement import parse_statement
    from booths.billing.statement_match import MatchKind, match_credits

    rng = random.Random(seed)
    bills = open_bills(bills_count, rng)
    data, expected = statement(bills, lines, rng)
    started = time.perf_counter()
    parsed = parse_statement(data, "mutasi.csv")
    parsed_at = time.perf_counter()
    proposals = match_credits(parsed.credits, bills)
    elapsed = time.perf_counter() - started
    kinds = Counter(p.kind.value for p in proposals)
    found = {p.credit.line: p.bill.bill_id for p in proposals if p.bill is not None and p.kind == MatchKind.EXACT}
    missing = [line for line, bill_id in expected.items() if found.get(line) != bill_id]
    emit(
        "billing.statement_match_s",
        round(elapsed, 3),
        "s",
        bills=bills_count,
        lines=lines,
        parse_s=round(parsed_at - started, 3),
        match_s=round(elapsed - (parsed_at - started), 3),
        credits=len(parsed.credits),
        problems=len(parsed.problems),
        **{f"proposals_{kind}": count for kind, count in sorted(kinds.items())},
        expected_found=len(expected) - len(missing),
        expected=len(expected),
    )
    return not missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receipts", type=int, default=1000)
    parser.add_argument("--receipts-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bills", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=("statement", "receipts"))
    args = parser.parse_args()
    if args.receipts_child:
        receipts_child(args.receipts_child)
        return
    ok = True
    if args.only in (None, "statement"):
        ok = statement_match_s(args.bills, args.lines, args.seed)
    if args.only in (None, "receipts"):
        receipts_batch(args.receipts)
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
