"""Billing benchmarks: each figure is one function; ``main()`` prints one JSON object per figure.

``billing.statement_match_s``: a 5,000-line bank statement (BCA-style CSV with account lines, CR/DB
marks, debits and unreadable lines among the credits) read by ``parse_statement`` and matched by
``match_credits`` against 2,000 open bills carrying unique 3-digit codes; the seconds for parse and
match together (the pure core the statement page runs; no database). The issue asks for under 2 s::

    {"name": "billing.statement_match_s", "value": 0.21, "unit": "s", "bills": 2000, "lines": 5000, ...}

Run: ``.venv/bin/python bench/billing.py [--bills 2000] [--lines 5000] [--seed 1]`` (docs/benchmarks.md).
Exits non-zero if a credit made to match is not proposed for its bill.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the project may not be installed into the venv
    sys.path.insert(0, str(ROOT))

from booths.billing.statement import parse_statement  # noqa: E402
from booths.billing.statement_match import MatchKind, OpenBill, match_credits  # noqa: E402

NAMES = ("BUDI SANTOSO", "SITI AMINAH", "KERIPIK MBOK SRI", "CV ANEKA RASA", "BATIK SEKAR", "AHMAD FAUZI")


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}), flush=True)


def open_bills(count: int, rng: random.Random) -> list[OpenBill]:
    """Bills of a few package prices, each plus its own code 1..999 (so amounts are mostly unique)."""
    prices = (1_500_000, 2_250_000, 3_000_000, 750_000, 5_000_000)
    codes = rng.sample(range(1, 1000), k=min(count, 999))
    bills = []
    for i in range(count):
        outstanding = rng.choice(prices) + codes[i % len(codes)]
        dp = outstanding // 2 if i % 3 == 0 else None
        bills.append(OpenBill(i + 1, f"INV/EXPO26/{i + 1:04d}", f"Usaha {i + 1}", outstanding, dp))
    return bills


def statement(bills: list[OpenBill], lines: int, rng: random.Random) -> tuple[bytes, dict[int, int]]:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--bills", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ok = statement_match_s(args.bills, args.lines, args.seed)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
