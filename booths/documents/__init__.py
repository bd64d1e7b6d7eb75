"""Exhibitors' documents (NIB printout, pesantren or cooperative letter, halal certificate, P-IRT or
BPOM, product photos) and the registration desk's review of them; badges say what was verified."""
