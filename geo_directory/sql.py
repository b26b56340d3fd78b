"""Names for hand-written SQL, read from the models' metadata: a renamed table or column
is followed, never left behind in a string."""

from django.db.models import Model


def table(model: type[Model]) -> str:
    return model._meta.db_table


def column(model: type[Model], field: str) -> str:
    return model._meta.get_field(field).column
