"""The order in which public changes are handed to a copy kept in sync.

A time cannot give it: a transaction that set its time before another's commits after
it, and a sync that had passed that time would never see it. So the database writes, on
every insert and on every change of the public clock (`public_updated_at`), the id of
the writing transaction into `public_change`; a sync reads in (public_change, id) order
and only below the oldest transaction still running (`pg_snapshot_xmin`), every one of
which has ended. A change committed later carries a larger id, and comes in that sync
or the next: never in neither.

The trigger is written after every migrate (centers/apps.py), with the model's names.
"""

import base64
import binascii

from django.db import connections
from django.utils.translation import gettext as _

from geo_directory.parameters import ParameterError, ParameterField
from geo_directory.sql import column, table

from .models import Center

TRIGGER_FUNCTION = "center_public_change"
TRIGGER = "center_public_change"
# Every transaction below it has ended (committed or rolled back).
SETTLED_BELOW = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
CURRENT_TRANSACTION = "pg_current_xact_id()::text::bigint"
# The reading transaction's own changes, if it made any (never assigns it an id).
OWN_CHANGES = "pg_current_xact_id_if_assigned()::text::bigint"


def settled(change_column: str) -> str:
    """The condition that a change is one a sync may hand out: surely committed, or the
    reading transaction's own (a request that wrote before it read, as tests do)."""
    return f"({change_column} < {SETTLED_BELOW} OR {change_column} = {OWN_CHANGES})"


def trigger_sql() -> str:
    change, clock = column(Center, "public_change"), column(Center, "public_updated_at")
    return f"""
CREATE OR REPLACE FUNCTION {TRIGGER_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.{clock} IS DISTINCT FROM OLD.{clock} THEN
        NEW.{change} := {CURRENT_TRANSACTION};
    ELSE
        NEW.{change} := OLD.{change};
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE ON {table(Center)}
    FOR EACH ROW EXECUTE FUNCTION {TRIGGER_FUNCTION}();
"""


def trigger_create(sender=None, *, using: str = "default", **kwargs) -> None:
    """Writes the trigger into the database (a post_migrate receiver)."""
    with connections[using].cursor() as cursor:
        cursor.execute(trigger_sql())


def cursor_text(change: int, center_id: int) -> str:
    """The opaque `sync_cursor` of a page: after this change of this center."""
    return base64.urlsafe_b64encode(f"{change}.{center_id}".encode()).decode().rstrip("=")


def cursor_read(text: str) -> tuple[int, int]:
    """(change, center id) of a `sync_cursor`."""
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        change, center_id = (int(part) for part in decoded.split("."))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ParameterError(
            _("This is not a sync_cursor given by the API: start again from modified_since.")
        ) from None
    if change < 0 or center_id < 0:
        raise ParameterError(
            _("This is not a sync_cursor given by the API: start again from modified_since.")
        )
    return change, center_id


class SyncCursorField(ParameterField):
    def read(self, data):
        return cursor_read(str(data))
