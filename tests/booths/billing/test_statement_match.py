"""Matching credits to open bills by unique amount, bill number and name: cases, then properties."""

import random
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from booths.billing.statement import Credit, credit_key
from booths.billing.statement_match import Confidence, MatchKind, OpenBill, Reason, match_credits

DAY = date(2026, 10, 20)


def credit(line: int, amount: int, description: str = "TRANSFER") -> Credit:
    return Credit(line, DAY, description, amount, None, credit_key(DAY, amount, description, None, repeat=line))


def bill(bill_id: int, outstanding: int, exhibitor: str = "", dp: int | None = None) -> OpenBill:
    return OpenBill(bill_id, f"INV/EXPO26/{bill_id:04d}", exhibitor or f"Usaha {bill_id}", outstanding, dp)


def test_an_amount_equal_to_one_bill_is_exact() -> None:
    (proposal,) = match_credits([credit(1, 1_500_042)], [bill(1, 1_500_042), bill(2, 1_500_043)])
    assert (proposal.kind, proposal.bill, proposal.confidence) == (
        MatchKind.EXACT,
        bill(1, 1_500_042),
        Confidence.AMOUNT,
    )
    assert proposal.reasons == (Reason.FULL_AMOUNT,)


def test_the_down_payment_amount_matches_too() -> None:
    (proposal,) = match_credits([credit(1, 750_042)], [bill(7, 1_500_042, dp=750_042)])
    assert proposal.kind == MatchKind.EXACT
    assert proposal.reasons == (Reason.DP_AMOUNT,)


def test_an_amount_equal_to_several_bills_is_ambiguous_and_never_picked() -> None:
    bills = [bill(1, 1_000_000), bill(2, 1_000_000), bill(3, 2_000_000)]
    (proposal,) = match_credits([credit(1, 1_000_000)], bills)
    assert proposal.kind == MatchKind.AMBIGUOUS
    assert proposal.bill is None
    assert [b.bill_id for b in proposal.candidates] == [1, 2]


def test_a_bill_number_in_the_description_settles_an_ambiguity() -> None:
    bills = [bill(1, 1_000_000), bill(2, 1_000_000)]
    (proposal,) = match_credits([credit(1, 1_000_000, "TRSF E-BANKING CR INV EXPO26 0002 BUDI")], bills)
    assert (proposal.kind, proposal.bill, proposal.confidence) == (MatchKind.EXACT, bills[1], Confidence.NUMBER)


def test_the_exhibitors_name_settles_an_ambiguity() -> None:
    bills = [bill(1, 1_000_000, "CV Aneka Rasa"), bill(2, 1_000_000, "Keripik Mbok Sri")]
    (proposal,) = match_credits([credit(1, 1_000_000, "TRANSFER DARI KERIPIK MBOK SRI")], bills)
    assert (proposal.bill, proposal.confidence) == (bills[1], Confidence.NAME)


def test_a_number_inside_a_longer_number_is_not_that_bill() -> None:
    bills = [bill(1, 1_000_000), bill(2, 1_000_000)]
    (proposal,) = match_credits([credit(1, 1_000_000, "INV/EXPO26/00012")], bills)
    assert proposal.kind == MatchKind.AMBIGUOUS


def test_a_part_payment_quoting_its_bill_is_a_reference_proposal() -> None:
    (proposal,) = match_credits([credit(1, 500_000, "DP INV/EXPO26/0003")], [bill(3, 1_500_042)])
    assert (proposal.kind, proposal.confidence, proposal.bill) == (
        MatchKind.REFERENCE,
        Confidence.LOW,
        bill(3, 1_500_042),
    )
    # more than the bill wants is not proposed
    (more,) = match_credits([credit(1, 2_000_000, "INV/EXPO26/0003")], [bill(3, 1_500_042)])
    assert more.kind == MatchKind.UNMATCHED


def test_nothing_fits_is_unmatched() -> None:
    (proposal,) = match_credits([credit(1, 123)], [bill(1, 1_500_042)])
    assert (proposal.kind, proposal.bill, proposal.candidates, proposal.reasons) == (MatchKind.UNMATCHED, None, (), ())


def test_two_credits_for_one_bill_the_stronger_wins_and_the_other_says_why() -> None:
    bills = [bill(1, 1_500_042, "Batik Sekar")]
    plain, named = credit(1, 1_500_042, "SETORAN TUNAI"), credit(2, 1_500_042, "TRF BATIK SEKAR")
    first, second = match_credits([plain, named], bills)
    assert (first.kind, first.reasons) == (MatchKind.UNMATCHED, (Reason.TAKEN,))
    assert (second.kind, second.bill) == (MatchKind.EXACT, bills[0])


def test_equal_claims_go_in_the_statements_order() -> None:
    bills = [bill(1, 1_500_042)]
    first, second = match_credits([credit(1, 1_500_042), credit(2, 1_500_042)], bills)
    assert first.bill == bills[0]
    assert second.kind == MatchKind.UNMATCHED


amounts = st.integers(min_value=1, max_value=40)  # a small range so that amounts collide often


@st.composite
def problems(draw: st.DrawFn) -> tuple[list[Credit], list[OpenBill]]:
    bills = [
        bill(i, draw(amounts) * 1000 + 42, f"Usaha {draw(st.sampled_from(['Sri', 'Budi', 'Aminah', 'Fauzi']))}")
        for i in range(1, draw(st.integers(0, 30)) + 1)
    ]
    hints = [f"INV/EXPO26/{i:04d}" for i in range(1, 35)] + ["USAHA SRI", "USAHA BUDI", "SETORAN", ""]
    credits = [
        credit(n, draw(amounts) * 1000 + 42, draw(st.sampled_from(hints)))
        for n in range(1, draw(st.integers(0, 40)) + 1)
    ]
    return credits, bills


@settings(max_examples=300, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_properties(problem: tuple[list[Credit], list[OpenBill]], rng: random.Random) -> None:
    credits, bills = problem
    proposals = match_credits(credits, bills)
    assert [p.credit for p in proposals] == credits
    paid = [p.bill.bill_id for p in proposals if p.bill is not None]
    assert len(paid) == len(set(paid)), "a bill proposed for two credits"
    for p in proposals:
        assert (p.bill is not None) == (p.kind in (MatchKind.EXACT, MatchKind.REFERENCE))
        if p.kind == MatchKind.EXACT:
            assert p.bill is not None
            assert p.credit.amount in (p.bill.outstanding, p.bill.dp_amount)
        if p.kind == MatchKind.AMBIGUOUS:
            assert p.candidates
            assert all(c.bill_id not in paid for c in p.candidates)
    # An amount that fits exactly one bill, claimed by no other credit, is always found.
    for p in proposals:
        fitting = [b for b in bills if b.outstanding == p.credit.amount]
        rivals = [c for c in credits if c.amount == p.credit.amount and c is not p.credit]
        if len(fitting) == 1 and not rivals:
            assert (p.kind, p.bill) == (MatchKind.EXACT, fitting[0])
    # The order bills come in changes nothing.
    shuffled = list(bills)
    rng.shuffle(shuffled)
    assert match_credits(credits, shuffled) == proposals
