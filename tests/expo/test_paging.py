"""expo/paging.py on plain lists: the page cut, the order, the links."""

from expo.paging import natural, paginate, parse_page, window

ORDERS = {"n": lambda x: x, "even": lambda x: x % 2 if x % 3 else None}


def test_pages_of_fifty_and_the_last_page_for_a_page_too_far() -> None:
    items = list(range(1, 121))
    first = paginate(items, orders=ORDERS, default="n")
    assert (first.items[0], first.items[-1], first.pages, first.first, first.last) == (1, 50, 3, 1, 50)
    third = paginate(items, page="3", orders=ORDERS, default="n")
    assert third.items == list(range(101, 121))
    assert (third.first, third.last) == (101, 120)
    assert paginate(items, page="77", orders=ORDERS, default="n").page == 3
    assert paginate([], page="2", orders=ORDERS, default="n").page == 1
    assert paginate([], orders=ORDERS, default="n").first == 0


def test_sort_names_directions_and_fallbacks() -> None:
    items = [3, 1, 2]
    assert paginate(items, sort="-n", orders=ORDERS, default="n").items == [3, 2, 1]
    assert paginate(items, sort="nope", orders=ORDERS, default="-n").items == [3, 2, 1]
    listing = paginate(items, sort="--n", orders=ORDERS, default="n")
    assert (listing.sort, listing.descending, listing.items) == ("n", False, [1, 2, 3])
    # items without a sort value come last in either direction
    values = [3, 4, 5, 6, 7]
    assert paginate(values, sort="even", orders=ORDERS, default="n").items[-2:] == [3, 6]
    assert paginate(values, sort="-even", orders=ORDERS, default="n").items[-2:] == [3, 6]


def test_links_keep_filters_toggle_the_order_and_leave_out_defaults() -> None:
    listing = paginate(list(range(200)), page="2", orders=ORDERS, default="n", filters={"q": "a b", "status": ""})
    assert listing.query() == "q=a+b&page=2"
    assert listing.query(page=1) == "q=a+b"
    assert listing.sort_query("n") == "q=a+b&sort=-n"  # the column in use: reversed, back to page 1
    assert listing.sort_query("even") == "q=a+b&sort=even"
    assert listing.direction("n") == "ascending"
    assert listing.direction("even") is None
    assert listing.page_numbers() == [1, 2, 3, 4]
    assert paginate(list(range(1000)), page="10", orders=ORDERS, default="n").page_numbers() == [
        1,
        None,
        8,
        9,
        10,
        11,
        12,
        None,
        20,
    ]


def test_window_for_database_paging_and_page_numbers_from_text() -> None:
    chosen = window(total=120, page="3", sort="-n", orders=ORDERS, default="n")
    assert (chosen.offset, chosen.size, chosen.sort, chosen.descending) == (100, 50, "n", True)
    assert chosen.listing([1, 2], 120).pages == 3
    assert [parse_page(t) for t in ("", "x", "0", "-1", "2", " 4 ", "12345678")] == [1, 1, 1, 1, 2, 4, 1]
    assert sorted(["A-10", "a-2", "B-1", "A-1"], key=natural) == ["A-1", "a-2", "A-10", "B-1"]
