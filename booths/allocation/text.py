"""Words for the allocator's explanation codes: message ids here, translated where they are shown."""

from expo.i18n import N_, gettext, translate

MESSAGES: dict[str, str] = {
    # where an applicant ended up
    "kept_existing_booking": N_("Keeps its existing booking on %(booth)s."),
    "pinned": N_("Placed on %(booth)s by the organisers (locked)."),
    "got_preference": N_("Got its choice no. %(rank)s: %(booth)s."),
    "got_area_preference": N_("Got its choice no. %(rank)s (%(area)s): %(booth)s."),
    "placed_in_cluster_zone": N_("Placed on %(booth)s, in the zone of its product cluster (%(cluster)s)."),
    "placed_best_available": N_("Placed on %(booth)s, the best fitting booth left for it."),
    "class_cap_reached": N_("Not placed: the quota for %(class)s (%(cap)s) is full. On the waiting list."),
    "no_fitting_booth": N_("Not placed: no free booth meets its needs (%(needs)s)."),
    "outranked": N_(
        "Not placed: the %(fitting)s booths that fit went to applicants ranked before no. %(rank)s. "
        "On the waiting list."
    ),
    # why not a better choice, and about the people around
    "pref_unknown": N_("Choice no. %(rank)s (%(ref)s) names no booth or zone of this expo."),
    "pref_already_booked": N_("Choice no. %(rank)s (%(booth)s) was already booked."),
    "pref_unsuitable": N_("Choice no. %(rank)s (%(booth)s) does not meet its needs (%(need)s)."),
    "pref_taken_by_higher": N_("Choice no. %(rank)s (%(booth)s) went to the applicant ranked no. %(other_rank)s."),
    "pref_area_full": N_("Choice no. %(rank)s (%(booth)s): every fitting booth there went to others."),
    "pref_tradeoff": N_("Choice no. %(rank)s (%(booth)s) would cost the whole plan %(cost)s points: %(why)s."),
    "pref_missed": N_(
        "Choice no. %(rank)s (%(booth)s) would have been better by %(gain)s points; the search stopped first."
    ),
    "shared_stand": N_("Shares the stand with %(with)s."),
    "share_no_partner": N_("Asked to share a stand, but no partner fitted."),
    "competitor_adjacent": N_("Next to a named competitor: %(name)s."),
    "near_met": N_("Near %(name)s, as wished."),
    "near_unmet": N_("Not near %(name)s."),
    "near_absent": N_("%(name)s has no booth, so it cannot be near."),
    "lock_dropped": N_("The lock on %(booth)s could not be kept (%(why)s)."),
}

_WORDS: dict[str, dict[str, str]] = {
    "why": {
        "competitor": N_("a competitor would be next door"),
        "fairness": N_("the gap in exposure between groups would grow"),
        "cluster": N_("it would split a product cluster"),
        "near": N_("a wish to be near someone would be broken"),
        "other_applicant": N_("the applicant there would lose more"),
        "score": N_("it scores lower overall"),
        "booth_booked": N_("the booth is booked"),
        "booth_unknown": N_("no such booth"),
        "unsuitable": N_("the booth does not meet the needs"),
        "pinned_twice": N_("the booth was locked twice"),
    },
    "need": {
        "type": N_("booth type"),
        "package": N_("package"),
        "area": N_("size"),
        "power": N_("power"),
        "accessible": N_("step-free access"),
        "zone_rule": N_("zone rules"),
        "capacity": N_("room to share"),
        "all_booked": N_("every booth is booked"),
        "combination": N_("the needs together"),
    },
}
_LIST_PARAMS = {"needs": "need", "need": "need"}


def _words(kind: str, codes: str, locale: str | None) -> str:
    return ", ".join(gettext(_WORDS[kind].get(c, c), locale) for c in codes.split(",") if c)


def explain(code: str, params: dict[str, str | int | float], locale: str | None = None) -> str:
    """The explanation of one reason in the reader's language."""
    shown: dict[str, object] = dict(params)
    if isinstance(shown.get("why"), str):
        shown["why"] = gettext(_WORDS["why"].get(str(shown["why"]), str(shown["why"])), locale)
    for name, kind in _LIST_PARAMS.items():
        if isinstance(shown.get(name), str):
            shown[name] = _words(kind, str(shown[name]), locale)
    return translate(MESSAGES.get(code, code), shown, locale)
