"""Stamp duty (bea meterai) on money documents.

UU No. 10 Tahun 2020 tentang Bea Meterai, Pasal 3 ayat (2) huruf g: a document stating an amount of
money above Rp5.000.000 that acknowledges receiving it (or that a debt was paid, in full or in part)
bears stamp duty; Pasal 5: the duty is a single rate of Rp10.000. A receipt (kwitansi) is such a
document; an invoice only asks for money and is not, so only receipts print the note. The threshold,
the duty and the words are here, once, so a change of the law is one edit.
"""

from dataclasses import dataclass

from expo.i18n import N_


@dataclass(frozen=True)
class StampDuty:
    threshold: int  # amounts strictly above this bear the duty
    duty: int
    box: str  # printed in the box where the meterai is affixed
    note: str  # printed under the signature block


METERAI = StampDuty(
    threshold=5_000_000,
    duty=10_000,
    box=N_("Meterai %(duty)s"),
    note=N_("Stamp duty of %(duty)s for money received above %(threshold)s (UU No. 10 Tahun 2020)."),
)


def meterai_due(amount: int) -> bool:
    """Whether a receipt for ``amount`` rupiah bears the meterai."""
    return amount > METERAI.threshold
