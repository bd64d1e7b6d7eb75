"""A server process's start-up objects kept out of the garbage collector's full passes.

A worker holds a few hundred thousand long-lived objects made at start-up (routes and their schemas,
SQLAlchemy's mappers, the catalogs, the templates). Python's full collection (generation 2) walks
every one of them, and under the booking rush it paused a worker for 170-260 ms each time while
freeing nothing; every request waiting on that worker waited as long, which made most of the slowest
hundredth of the rush (docs/benchmarks.md). ``gc.freeze()`` after start-up moves them to a permanent
generation that collections skip; what is made later is collected as before.
"""

import gc


def freeze_start_up_heap() -> None:
    """The last start-up hook of a served app (``expo.serving.create_served_app``): garbage of the
    start-up collected first, so that only live objects are frozen."""
    gc.collect()
    gc.freeze()
