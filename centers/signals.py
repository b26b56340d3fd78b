"""What centers announce to the apps above them. Those apps connect their receivers in their
own `AppConfig.ready()`, so that centers never imports them."""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

from .models import Category, Center

# Sent by `sender=Center` once a transaction that wrote centers has committed, never for
# one rolled back, with `categories`: a QuerySet of the categories whose centers changed.
centers_changed = Signal()


class _ChangedCategories:
    """The on-commit callback of one transaction: the categories its writes touched."""

    def __init__(self, ids: Iterable[int]):
        self.ids = set(ids)

    def __call__(self):
        centers_changed.send(sender=Center, categories=Category.objects.filter(pk__in=self.ids))


def centers_changed_on_commit(category_ids: Iterable[int]) -> None:
    """Announces `centers_changed` for these categories once the current transaction
    commits: once per transaction however many writes it holds, so that a receiver does
    its work (a refresh of the planners' coverage takes a second) once per category.

    A write joins the announcement already waiting among the transaction's on-commit
    callbacks, Django's own list, so nothing of ours is kept on the connection. Django
    drops the callbacks registered in a savepoint that is rolled back: the one found is
    always one that runs if this write commits, and a write after a rollback registers
    a new one. A category written only in a rolled-back savepoint may still be announced
    with the others, which costs a receiver one recomputation from what was committed."""
    category_ids = set(category_ids)
    if not category_ids:
        return
    connection = transaction.get_connection()
    waiting = next(
        (
            callback
            for _savepoints, callback, _robust in connection.run_on_commit
            if isinstance(callback, _ChangedCategories)
        ),
        None,
    )
    if waiting is None:
        # Outside a transaction on_commit runs it at once: it holds its categories first.
        transaction.on_commit(_ChangedCategories(category_ids))
    else:
        waiting.ids.update(category_ids)
