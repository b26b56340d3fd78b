"""What a center's record should say, and how much of it does: its completeness.

Every center is expected to give a phone, opening hours, a street-level position (exact
or street precision) and a name in Arabic and in French. A center of a sensitive
category is not expected to give a street-level position: the directory never shows it,
so its completeness is over the other four facts, for staff and public alike. The
completeness is the share of the expected facts the record gives, in per cent (0 to 100).

The definition is declared once below (`FACTS`) and written into two database functions
after every migrate (`functions_sql`): `center_missing_facts`, the codes of the expected
facts a record lacks in the order of `FACTS`, and `center_completeness`. Everything reads
them: the staff tools and the planners through the ORM expressions `MissingFacts` and
`Completeness` (CenterQuerySet.with_completeness), the public shape through their SQL
call (centers/public_shape.py).

Computed when read, not stored: their arguments are the center's public facts and its
category's sensitivity, which every write path (the staff services, sheet imports, a
category's change of sensitivity) already keeps right, so no path can leave a stored
copy behind; and the street-level position is read from the public precision (for a
sensitive center always `commune`, else the staff's own precision), so that the
completeness can never depend on a sensitive center's exact position.

This module is imported by centers/models.py: it names the models' fields, never the
models themselves.
"""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Func
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

# Records not checked for this long are listed as needing verification.
VERIFICATION_MAX_AGE = datetime.timedelta(days=365)

MISSING_FUNCTION = "center_missing_facts"
COMPLETENESS_FUNCTION = "center_completeness"

# The functions' arguments: (name, SQL type, the center's field it is given).
ARGUMENTS = (
    ("phones", "text[]", "phones"),
    ("opening_hours", "jsonb", "opening_hours"),
    ("public_precision", "text", "public_location_precision"),
    ("name_ar", "text", "name_ar"),
    ("name_fr", "text", "name_fr"),
    ("sensitive", "boolean", "category__sensitive"),
)


@dataclass(frozen=True)
class Fact:
    code: str
    label: Promise
    # SQL condition on the functions' arguments: true when the record gives the fact.
    known: str
    # False: not expected of a center of a sensitive category.
    expected_when_sensitive: bool = True


# Street-level precisions: those of Center.Precision that place the building itself.
STREET_LEVEL_PRECISIONS = ("exact", "street")

FACTS = [
    Fact("phone", _("phone number"), "cardinality(phones) > 0"),
    # Stored hours keep only days with ranges (centers/hours.py): {} says nothing.
    Fact("opening_hours", _("opening hours"), "opening_hours <> '{}'::jsonb"),
    Fact(
        "street_position",
        _("street-level position"),
        "public_precision IN ({})".format(", ".join(f"'{p}'" for p in STREET_LEVEL_PRECISIONS)),
        expected_when_sensitive=False,
    ),
    Fact("name_ar", _("name in Arabic"), "name_ar <> ''"),
    Fact("name_fr", _("name in French"), "name_fr <> ''"),
]
FACTS_BY_CODE = {fact.code: fact for fact in FACTS}


def expected_facts(*, sensitive: bool) -> list[Fact]:
    return [fact for fact in FACTS if fact.expected_when_sensitive or not sensitive]


def in_words(labels) -> str:
    """Labels as one list in the active language (Arabic separates with `،`)."""
    return pgettext("list separator", ", ").join(str(label) for label in labels)


@dataclass(frozen=True)
class Completeness:
    """What a record gives of the facts expected of it, for a page to say in words."""

    expected: list[Fact]
    missing: list[Fact]

    @property
    def known_count(self) -> int:
        return len(self.expected) - len(self.missing)

    @property
    def expected_count(self) -> int:
        return len(self.expected)

    @property
    def missing_in_words(self) -> str:
        return in_words(fact.label for fact in self.missing)


def completeness_of(center) -> Completeness:
    """Of a center read with CenterQuerySet.with_completeness (its `missing_facts`)."""
    return Completeness(
        expected=expected_facts(sensitive=center.category.sensitive),
        missing=[FACTS_BY_CODE[code] for code in center.missing_facts],
    )


def _known(fact: Fact) -> str:
    return f"({fact.known})"


def functions_sql() -> str:
    """CREATE OR REPLACE of the two functions, from FACTS. Each argument that may be a
    subquery (the category's sensitivity, in the public shape) is read once per
    function, so that PostgreSQL can inline them into the query that calls them."""
    signature = ", ".join(f"{name} {sql_type}" for name, sql_type, _field in ARGUMENTS)
    always = [fact for fact in FACTS if fact.expected_when_sensitive]
    missing = ", ".join(
        f"CASE WHEN {_known(fact)} THEN NULL ELSE '{fact.code}' END"
        if fact.expected_when_sensitive
        else f"CASE WHEN sensitive OR {_known(fact)} THEN NULL ELSE '{fact.code}' END"
        for fact in FACTS
    )

    def share(facts: list[Fact]) -> str:
        known = " + ".join(f"{_known(fact)}::int" for fact in facts)
        return f"round(100.0 * ({known}) / {len(facts)})"

    return f"""
CREATE OR REPLACE FUNCTION {MISSING_FUNCTION}({signature})
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_remove(ARRAY[{missing}]::text[], NULL)
$$;

CREATE OR REPLACE FUNCTION {COMPLETENESS_FUNCTION}({signature})
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (CASE WHEN sensitive THEN {share(always)} ELSE {share(FACTS)} END)::integer
$$;
"""


def sql_call(function: str, value_of) -> str:
    """The SQL of a call of one of the functions, `value_of(field)` giving the SQL of
    each argument from the center's field it names."""
    return f"{function}({', '.join(value_of(field) for _name, _type, field in ARGUMENTS)})"


def functions_create(sender=None, *, using: str = "default", **kwargs) -> None:
    """Writes the functions into the database (a post_migrate receiver, run before the
    public shape's, which call them)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(functions_sql())


class _FactsFunction(Func):
    def __init__(self):
        super().__init__(*(F(field) for _name, _type, field in ARGUMENTS))


class MissingFacts(_FactsFunction):
    """The codes of the expected facts a center lacks, in the order of FACTS."""

    function = MISSING_FUNCTION
    output_field = ArrayField(models.TextField())


class CompletenessPercent(_FactsFunction):
    """The share of the expected facts a center gives, in per cent (0 to 100)."""

    function = COMPLETENESS_FUNCTION
    output_field = models.IntegerField()
