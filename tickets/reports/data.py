"""The report's figures as plain data (no database, no framework): what ``gather`` reads and the PDF
and the workbook draw. Labels are already in the report's language."""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Count:
    label: str
    value: int


@dataclass(frozen=True)
class VisitorDay:
    day: date
    entries: int
    visitors: int
    peak_inside: int
    refused: int


@dataclass(frozen=True)
class SalesDay:
    day: date
    reported: int
    cash: int
    transfer: int
    transactions: int
    orders: int
    deals: int
    deals_value: int

    @property
    def sales(self) -> int:
        return self.cash + self.transfer


@dataclass(frozen=True)
class CategorySales:
    label: str
    exhibitors: int
    sales: int


@dataclass(frozen=True)
class Revenue:
    label: str  # an exhibitor class
    bills: int
    billed: int
    paid: int


@dataclass(frozen=True)
class SaleRow:
    """One exhibitor's day, for the workbook's raw sheet (the committee's, never published)."""

    exhibitor: str
    exhibitor_class: str
    regency: str
    category: str
    day: date
    cash: int
    transfer: int
    transactions: int
    orders: int
    deals_value: int
    flagged: bool


@dataclass(frozen=True)
class BoothBand:
    """A booth on the hall page: where it is (metres) and its sales band (0: no sales reported or no
    exhibitor; 1, 2, 3: the lower, middle and upper third of the booths that reported)."""

    code: str
    x: float
    y: float
    w: float
    d: float
    band: int


@dataclass(frozen=True)
class HallBands:
    name: str
    width_m: float
    depth_m: float
    booths: list[BoothBand]


@dataclass
class ReportData:
    expo_name: str
    city: str
    venue: str
    start: date
    end: date
    made_at: datetime
    locale: str
    exhibitors: int = 0  # with a confirmed booth
    exhibitors_by_class: list[Count] = field(default_factory=list)
    exhibitors_by_regency: list[Count] = field(default_factory=list)
    pesantren: int = 0  # exhibitors that are a pesantren's business
    visitor_days: list[VisitorDay] = field(default_factory=list)
    visitors: int = 0  # distinct visitors over the range
    entries_per_hour: list[int] = field(default_factory=lambda: [0] * 24)
    entries_per_gate: list[Count] = field(default_factory=list)
    visitors_by_category: list[Count] = field(default_factory=list)
    visitors_by_regency: list[Count] = field(default_factory=list)
    refusals: list[Count] = field(default_factory=list)
    sales_days: list[SalesDay] = field(default_factory=list)
    sales_by_category: list[CategorySales] = field(default_factory=list)
    revenue: list[Revenue] = field(default_factory=list)
    sale_rows: list[SaleRow] = field(default_factory=list)
    halls: list[HallBands] = field(default_factory=list)

    @property
    def entries(self) -> int:
        return sum(d.entries for d in self.visitor_days)

    @property
    def sales(self) -> int:
        return sum(d.sales for d in self.sales_days)

    @property
    def deals_value(self) -> int:
        return sum(d.deals_value for d in self.sales_days)

    @property
    def orders(self) -> int:
        return sum(d.orders for d in self.sales_days)

    @property
    def peak(self) -> VisitorDay | None:
        busiest = max(self.visitor_days, key=lambda d: d.peak_inside, default=None)
        return busiest if busiest is not None and busiest.peak_inside else None

    @property
    def empty(self) -> bool:
        """No scans and no sales in the range: the report says so instead of drawing empty charts."""
        return not self.entries and not self.sales_days
