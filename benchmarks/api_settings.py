"""Settings of the centers API benchmark: those of the other benchmarks, with public
requests given the staff's database time limits. The common way (c) reads every center,
which takes seconds at 1,000,000, beyond the public statement limit (1 s) that would
cancel it; the other scenarios take milliseconds and are not affected."""

from benchmarks.settings import *  # noqa: F403
from benchmarks.settings import DATABASE_TIMEOUTS

DATABASE_TIMEOUTS = {**DATABASE_TIMEOUTS, "public": DATABASE_TIMEOUTS["staff"]}
