"""PostGIS with time limits: every connection is a `BoundedConnection`, and the server
limits its session with those of the caller it serves (see `timeouts`)."""

from time import monotonic
from types import SimpleNamespace

import psycopg
from django.contrib.gis.db.backends.postgis import base as postgis
from psycopg.connection import _WAIT_INTERVAL

from . import timeouts

# Gives a session the server's limits; `false`: for the session, not the transaction.
SESSION_LIMITS = """
    SELECT set_config('statement_timeout', %(statement_timeout)s, false),
           set_config('lock_timeout', %(lock_timeout)s, false),
           set_config(
               'idle_in_transaction_session_timeout',
               %(idle_in_transaction_session_timeout)s,
               false
           )
"""


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server ends within the caller's
    limit, connecting included: a stopped server (not down: its socket still accepts,
    then nothing answers) cannot enforce its own statement_timeout, and psycopg's
    connect_timeout is at least 2 s.

    A wait that runs out leaves the connection in an unknown state: it is closed, and
    OperationalError tells Django (and DatabaseUnavailableMiddleware) that the database
    cannot be reached; the next request connects afresh."""

    @classmethod
    def _connect_gen(cls, conninfo: str = ""):
        caller = timeouts.current()
        if caller.gave_up:
            raise psycopg.errors.ConnectionTimeout(
                "The database did not answer earlier in this request."
            )
        seconds = caller.limits.connect
        deadline = monotonic() + seconds
        # psycopg's connect loop sends the generator READY_NONE every 0.1 s while the
        # socket is quiet: each step is a chance to look at the clock.
        steps = super()._connect_gen(conninfo)
        try:
            waiting_for = next(steps)
            while True:
                ready = yield waiting_for
                if monotonic() >= deadline:
                    caller.gave_up = True
                    raise psycopg.errors.ConnectionTimeout(
                        f"The database did not accept the connection within {seconds} s."
                    )
                waiting_for = steps.send(ready)
        except StopIteration as done:
            return done.value
        finally:
            # An unfinished attempt frees its half-open connection here.
            steps.close()

    def wait(self, gen, interval=_WAIT_INTERVAL, timeout=None):
        caller = timeouts.current()
        seconds = caller.limits.wait
        if timeout is not None and timeout <= seconds:
            # A shorter wait that psycopg asked for itself (for notifications): its end is
            # no failure of the server.
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, seconds)
        except psycopg.errors._WaitTimeout:
            caller.gave_up = True
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"The database did not answer within {seconds} s."
            ) from None


class DatabaseWrapper(postgis.DatabaseWrapper):
    # Django opens connections with `self.Database.connect` and finds the driver's errors
    # and types on `self.Database`: psycopg's own names, with connect opening a
    # BoundedConnection.
    Database = SimpleNamespace(**{**vars(psycopg), "connect": BoundedConnection.connect})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limits the session was last given, None when unknown.
        self.session_limits = None

    def get_connection_params(self):
        # A connection starts with the server limits of the caller it is opened for, as
        # startup options; so do those that the job worker opens from these parameters.
        params = super().get_connection_params()
        limits = _server_settings(timeouts.current().limits)
        options = " ".join(f"-c {name}={value}" for name, value in limits.items())
        params["options"] = f"{params['options']} {options}" if "options" in params else options
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self.session_limits = timeouts.current().limits
        return connection

    def create_cursor(self, name=None):
        # A kept connection passes from one kind of caller to another: a staff request's
        # limits must not follow it into a public one, nor a request's into a job. In a
        # failed transaction nothing may run but the rollback this cursor is for: the
        # cursor after it sets them.
        limits = timeouts.current().limits
        if limits != self.session_limits and not self._in_failed_transaction():
            self.connection.execute(SESSION_LIMITS, _server_settings(limits))
            self.session_limits = limits
        return super().create_cursor(name)

    def _in_failed_transaction(self) -> bool:
        return self.connection.info.transaction_status == psycopg.pq.TransactionStatus.INERROR

    # A rollback also undoes a set_config run inside the transaction or savepoint: the
    # next cursor sets the limits again.
    def _rollback(self):
        super()._rollback()
        self.session_limits = None

    def _savepoint_rollback(self, sid):
        super()._savepoint_rollback(sid)
        self.session_limits = None


def _server_settings(limits: timeouts.Limits) -> dict[str, str]:
    """The server's settings for these limits, in milliseconds."""
    return {
        "statement_timeout": f"{round(limits.statement * 1000)}ms",
        "lock_timeout": f"{round(limits.lock * 1000)}ms",
        "idle_in_transaction_session_timeout": f"{round(limits.idle_in_transaction * 1000)}ms",
    }
