"""The sales form as a page posts it (strings), and how it becomes a ``SaleEntry`` (exhibitor's and
the committee's pages share it)."""

from typing import Any

from pydantic import BaseModel

from booths.sales.models import DailySale
from booths.sales.schemas import MAX_DEALS, SaleEntry

DEAL_ROWS = 3  # deal lines a page shows; the schema takes up to MAX_DEALS
assert DEAL_ROWS <= MAX_DEALS

FIELDS = {"day", "cash", "transfer", "transactions", "orders", "deals"}


class SalesForm(BaseModel):
    day: str = ""
    cash: str = ""
    transfer: str = ""
    transactions: str = ""
    orders: str = ""
    deal_party_1: str = ""
    deal_value_1: str = ""
    deal_party_2: str = ""
    deal_value_2: str = ""
    deal_party_3: str = ""
    deal_value_3: str = ""

    def deal_rows(self) -> list[tuple[str, str]]:
        return [
            (str(getattr(self, f"deal_party_{n}"))[:200], str(getattr(self, f"deal_value_{n}"))[:40])
            for n in range(1, DEAL_ROWS + 1)
        ]

    def entry(self) -> SaleEntry:
        """The checked entry (a deal line with neither a party nor a value is left out)."""
        deals = [{"party": p.strip(), "value": v} for p, v in self.deal_rows() if p.strip() or v.strip()]
        data: dict[str, Any] = {"day": self.day.strip(), "deals": deals}
        for name in ("cash", "transfer", "transactions", "orders"):
            data[name] = str(getattr(self, name)).strip()[:40] or "0"
        return SaleEntry.model_validate(data)

    @classmethod
    def of(cls, sale: DailySale | None, day: str) -> "SalesForm":
        """The form filled with what is stored (empty for a day not yet entered)."""
        if sale is None:
            return cls(day=day)
        values: dict[str, str] = {
            "day": day,
            "cash": str(sale.cash),
            "transfer": str(sale.transfer),
            "transactions": str(sale.transactions),
            "orders": str(sale.orders),
        }
        for n, deal in enumerate(sale.deals[:DEAL_ROWS], start=1):
            values[f"deal_party_{n}"] = str(deal.get("party", ""))
            values[f"deal_value_{n}"] = str(deal.get("value", ""))
        return cls(**values)
