"""Paging and sorting of list pages: the one helper every organiser list uses.

A handler reads ``page`` and ``sort`` from the query as plain strings (so a bad value falls back to
the first page and the default order instead of failing), names the orders its list offers (a key
function per sort name; the default one puts what needs action first), and passes the list's
filters so that page and sort links keep them. The template draws the links with the macros of
``templates/_paging.html`` (``sort_link`` in column headers, ``pager`` under the table).

``sort`` is a sort name, or a name with a leading ``-`` for the reverse order. Lists are sorted in
memory (``paginate``: the organiser lists of one expo hold at most a few thousand rows), or by the
database (``window``: the handler counts, then asks its service for one page in the chosen order).
"""

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from litestar.params import QueryParameter

PAGE_SIZE = 50
# Query keys a list page's action forms carry back (``expo.forms.back_filters``) besides its filters.
LIST_KEYS = ("page", "sort")

T = TypeVar("T")

# The query parameters of a list page's handler, as strings: a bad value falls back, never a 400.
PageQuery = Annotated[str, QueryParameter(name="page", max_length=16)]
SortQuery = Annotated[str, QueryParameter(name="sort", max_length=32)]


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a sorted, filtered list, and how to link to its other pages and orders."""

    items: list[T]
    total: int
    page: int
    pages: int
    size: int
    sort: str  # the sort name in use, without the direction
    descending: bool
    default_sort: str
    filters: Mapping[str, str] = field(default_factory=dict)

    @property
    def first(self) -> int:
        """Position (from 1) of this page's first item; 0 for an empty list."""
        return (self.page - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.size, self.total)

    @property
    def sort_param(self) -> str:
        return ("-" if self.descending else "") + self.sort

    def query(self, **changes: Any) -> str:
        """The query string of this list with ``changes`` (``page=``, ``sort=``) applied; filters
        kept, defaults left out so that links stay short."""
        params: dict[str, Any] = {k: v for k, v in self.filters.items() if v}
        sort = changes.get("sort", self.sort_param)
        if sort and sort != self.default_sort:
            params["sort"] = sort
        page = changes.get("page", self.page)
        if page and page != 1:
            params["page"] = page
        return urlencode(params)

    @property
    def back(self) -> str:
        """What an action form posts back as ``back``: filters, page and sort, to return here."""
        return self.query()

    def sort_query(self, name: str) -> str:
        """The link of a column header: sort by ``name``, or reverse it if it is the order in use;
        back to the first page."""
        same = name == self.sort
        wanted = f"-{name}" if same and not self.descending else name
        return self.query(sort=wanted, page=1)

    def direction(self, name: str) -> str | None:
        """``ascending``/``descending`` for the column sorted by, else None (for ``aria-sort``)."""
        if name != self.sort:
            return None
        return "descending" if self.descending else "ascending"

    def page_numbers(self, around: int = 2) -> list[int | None]:
        """The page links to show: the first, the last, and a few around the current page; ``None``
        stands for a gap."""
        wanted = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        numbers = sorted(n for n in wanted if 1 <= n <= self.pages)
        shown: list[int | None] = []
        for n in numbers:
            if shown and shown[-1] is not None and n - shown[-1] > 1:
                shown.append(None)
            shown.append(n)
        return shown


_DIGITS = re.compile(r"(\d+)")


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts ``A-2`` before ``A-10`` (numbers by value, letters case-blind)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold()) for part in _DIGITS.split(text) if part)


def parse_page(text: str) -> int:
    """A page number from the query; anything not a positive number is the first page."""
    text = text.strip()
    return int(text) if text.isdigit() and 0 < len(text) <= 6 and int(text) > 0 else 1


@dataclass(frozen=True)
class Window:
    """The page and order asked for, checked: for lists paged by the database (``offset``/``size``
    to its query, ``sort``/``descending`` to its ORDER BY)."""

    page: int
    size: int
    sort: str
    descending: bool
    default_sort: str

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def listing(self, items: list[T], total: int, filters: Mapping[str, str] | None = None) -> Listing[T]:
        return Listing(
            items=items,
            total=total,
            page=self.page,
            pages=max(1, -(-total // self.size)),
            size=self.size,
            sort=self.sort,
            descending=self.descending,
            default_sort=self.default_sort,
            filters=dict(filters or {}),
        )


def window(
    *, total: int, page: str = "", sort: str = "", orders: Collection[str], default: str, size: int = PAGE_SIZE
) -> Window:
    """The page ``page`` of ``total`` items (past the last page: the last page) in the order named
    by ``sort`` (one of ``orders``, ``-`` for reverse; else ``default``, which may start with ``-``)."""
    wanted = sort.strip()
    descending = wanted.startswith("-")
    name = wanted.removeprefix("-")
    if name not in orders:
        descending = default.startswith("-")
        name = default.removeprefix("-")
    pages = max(1, -(-total // size))
    return Window(page=min(parse_page(page), pages), size=size, sort=name, descending=descending, default_sort=default)


def paginate(
    items: Sequence[T],
    *,
    page: str = "",
    sort: str = "",
    orders: Mapping[str, Callable[[T], Any]],
    default: str,
    filters: Mapping[str, str] | None = None,
    size: int = PAGE_SIZE,
) -> Listing[T]:
    """Sort ``items`` in memory by the order named in ``sort`` and cut out page ``page`` (see
    ``window``). Items whose sort value is None come last either way."""
    chosen = window(total=len(items), page=page, sort=sort, orders=orders, default=default, size=size)
    key = orders[chosen.sort]
    known = [item for item in items if key(item) is not None]
    ordered = sorted(known, key=key, reverse=chosen.descending) + [item for item in items if key(item) is None]
    return chosen.listing(ordered[chosen.offset : chosen.offset + size], len(items), filters)
