"""How long the database may take, by who is asking: a public request (the site's pages
and the API), a staff request (the admin and the planning tools), or anything else
(management commands and the jobs they run: "background").

Each kind has limits the server enforces on the session (`statement`, `lock`,
`idle_in_transaction`) and limits the app enforces itself on every wait for the server
(`connect`, `wait`): those still hold when the server is stopped, where its own timeouts
cannot fire. The values are the setting DATABASE_TIMEOUTS, in seconds.

A request's kind holds until Django has finished the request, so that a streamed answer
and Django's end-of-request connection check run under it too.
"""

import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver

PUBLIC = "public"
STAFF = "staff"
BACKGROUND = "background"


@dataclass(frozen=True)
class Limits:
    """Seconds."""

    connect: float
    wait: float
    statement: float
    lock: float
    idle_in_transaction: float


@dataclass
class Caller:
    kind: str
    limits: Limits
    # Once a wait has run out, the server counts as unreachable for the rest of the
    # request: its later waits (a reconnection after the failed health check, say) fail
    # at once, so that the request answers within one limit rather than a sum of them.
    gave_up: bool = False


_caller: contextvars.ContextVar[Caller | None] = contextvars.ContextVar(
    "database_caller", default=None
)


def limits_of(kind: str) -> Limits:
    return Limits(**settings.DATABASE_TIMEOUTS[kind])


def current() -> Caller:
    """The request being served, else a background caller (afresh each time: a job that
    retries after a lost server waits again)."""
    return _caller.get() or Caller(BACKGROUND, limits_of(BACKGROUND))


def begin(kind: str) -> None:
    _caller.set(Caller(kind, limits_of(kind)))


# Connected after Django's own `close_old_connections` (django.db connects it on import),
# so that its health check of a kept connection is still bounded by the request's limits.
@receiver(request_finished, dispatch_uid="geo_directory.database.timeouts.end")
def end(**kwargs) -> None:
    _caller.set(None)
