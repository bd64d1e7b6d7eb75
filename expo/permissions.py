"""What each committee role may do in its expo: the one table of areas per role.

Guards (``expo.auth.requires``) check a route's area against the asker's role in the route's expo;
services check with ``CurrentUser.may`` where one handler serves exhibitors and the committee.
"""

from enum import StrEnum

from expo.models import CommitteeRole


class Area(StrEnum):
    SETUP = "setup"  # the expo itself, halls and booths, packages and prices, map, allocation
    EXHIBITORS = "exhibitors"  # exhibitor records, approvals, applications
    BOOKINGS = "bookings"  # booth bookings: assign, move, confirm, cancel
    PAYMENTS = "payments"  # checking payments
    PASSES = "passes"  # staff and visitor passes, printing
    GATES = "gates"  # gates, phones, gate staff, check-in dashboard and its corrections
    SCAN = "scan"  # scanning at a gate
    MESSAGES = "messages"  # messages to exhibitors
    REPORTS = "reports"  # results and exports
    COMMITTEE = "committee"  # the committee itself and the audit log
    JOBS = "jobs"  # background work of the expo


ROLE_AREAS: dict[CommitteeRole, frozenset[Area]] = {
    CommitteeRole.ORGANISER: frozenset(Area),
    CommitteeRole.TREASURER: frozenset({Area.BOOKINGS, Area.PAYMENTS, Area.REPORTS, Area.EXHIBITORS}),
    CommitteeRole.REGISTRATION: frozenset({Area.EXHIBITORS, Area.PASSES, Area.MESSAGES}),
    CommitteeRole.GATE_LEAD: frozenset({Area.GATES, Area.SCAN, Area.PASSES}),
    CommitteeRole.GATE_STAFF: frozenset({Area.SCAN}),
}


def role_may(role: CommitteeRole | None, area: Area) -> bool:
    return role is not None and area in ROLE_AREAS[role]
