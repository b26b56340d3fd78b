"""The place search's SQL: its index of names (PlaceName), which the database keeps, and
the functions that say how a name matches a query.

Names are written in several tables (regions, provinces, communes, aliases) and read by
one search: triggers copy each row's names into `regions_placename` as it is inserted,
renamed or deleted, whoever writes it (the loader, a migration, a test), and every
migrate brings the table back to those rows, so that it never drifts. A commune's
code never changes: an alias's row keeps the code it was written with.

The functions, the triggers and the rebuild are written after every migrate
(regions/apps.py), with the models' names.
"""

# ruff: noqa: S608 (the SQL is built from the models' table and column names, not input)

from django.db import connections

from geo_directory.sql import column, table

from .models import Commune, District, PlaceAlias, PlaceName, Province, Region

UNITS = (Region, Province, Commune, District)
UNIT_FUNCTION = "regions_place_names_of_unit"
ALIAS_FUNCTION = "regions_place_names_of_alias"


def _columns() -> dict[str, str]:
    return {
        "names": table(PlaceName),
        "id": column(PlaceName, "id"),
        "place": column(PlaceName, "place"),
        "name": column(PlaceName, "name"),
        "is_alias": column(PlaceName, "is_alias"),
        "aliases": table(PlaceAlias),
        "alias_name": column(PlaceAlias, "name"),
        "alias_commune": column(PlaceAlias, "commune"),
        "communes": table(Commune),
    }


def _unit_rows(unit: str) -> str:
    """The (id, place, name, is_alias) rows of a unit row called `unit`."""
    return (
        f"({unit}.code || ':fr', {unit}.code, {unit}.name_fr, false), "
        f"({unit}.code || ':ar', {unit}.code, {unit}.name_ar, false)"
    )


def triggers_sql() -> str:
    c = _columns()
    insert = f"INSERT INTO {c['names']} ({c['id']}, {c['place']}, {c['name']}, {c['is_alias']})"
    alias_select = (
        f"SELECT 'alias:' || a.id, m.code, a.{c['alias_name']}, true "
        f"FROM {c['aliases']} a JOIN {c['communes']} m ON m.id = a.{c['alias_commune']}"
    )
    statements = [
        f"""
CREATE OR REPLACE FUNCTION {UNIT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM {c["names"]} WHERE {c["id"]} IN (OLD.code || ':fr', OLD.code || ':ar');
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {insert} VALUES {_unit_rows("NEW")};
    END IF;
    RETURN NULL;
END
$$;""",
        f"""
CREATE OR REPLACE FUNCTION {ALIAS_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM {c["names"]} WHERE {c["id"]} = 'alias:' || OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {insert} {alias_select} WHERE a.id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;""",
    ]
    for model in UNITS:
        statements.append(
            f"CREATE OR REPLACE TRIGGER place_names AFTER INSERT OR DELETE "
            f"OR UPDATE OF code, name_fr, name_ar ON {table(model)} "
            f"FOR EACH ROW EXECUTE FUNCTION {UNIT_FUNCTION}();"
        )
    statements.append(
        f"CREATE OR REPLACE TRIGGER place_names AFTER INSERT OR DELETE "
        f"OR UPDATE OF {c['alias_name']}, {c['alias_commune']} ON {c['aliases']} "
        f"FOR EACH ROW EXECUTE FUNCTION {ALIAS_FUNCTION}();"
    )
    # The names as they should be; the table is brought to them by writing only what
    # differs, so that a migrate that changes nothing leaves no dead rows behind.
    wanted = " UNION ALL ".join(
        [
            *(
                f"SELECT r.* FROM {table(model)} u, LATERAL (VALUES {_unit_rows('u')}) AS r"
                for model in UNITS
            ),
            alias_select,
        ]
    )
    columns = f"{c['id']}, {c['place']}, {c['name']}, {c['is_alias']}"
    statements += [
        f"DELETE FROM {c['names']} WHERE ({columns}) NOT IN ({wanted});",
        f"{insert} SELECT * FROM ({wanted}) AS w ({columns}) "
        f"WHERE w.{c['id']} NOT IN (SELECT {c['id']} FROM {c['names']});",
        f"ANALYZE {c['names']};",
    ]
    return "\n".join(statements)


def place_names_analyze() -> None:
    """Refreshes the table's statistics after a load has rewritten many names: without
    them the planner reads every name rather than the trigram index."""
    with connections["default"].cursor() as cursor:
        cursor.execute(f"ANALYZE {table(PlaceName)}")


# How a name (normalised) matches the typed text and its Darija readings (normalised):
# exact, then starting with it, then a word close to it (pg_trgm's word similarity), the
# typed text before the readings at each step. PLACE_RANKING's first key.
MATCH_FUNCTIONS = """
CREATE OR REPLACE FUNCTION place_name_match(name text, typed text, readings text[])
RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN CASE
        WHEN name = typed THEN 0
        WHEN name = ANY(readings) THEN 1
        WHEN starts_with(name, typed) THEN 2
        WHEN EXISTS (SELECT FROM unnest(readings) AS r WHERE starts_with(name, r)) THEN 3
        WHEN name %> typed THEN 4
        ELSE 5
    END;
END
$$;
CREATE OR REPLACE FUNCTION place_name_word_similarity(name text, typed text, readings text[])
RETURNS real LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN greatest(
        word_similarity(typed, name),
        (SELECT max(word_similarity(r, name)) FROM unnest(readings) AS r)
    );
END
$$;
CREATE OR REPLACE FUNCTION place_name_similarity(name text, typed text, readings text[])
RETURNS real LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN greatest(
        similarity(name, typed), (SELECT max(similarity(name, r)) FROM unnest(readings) AS r)
    );
END
$$;
"""
# PL/pgSQL rather than SQL: an SQL function is inlined into every query, which then took
# 3.6 ms to plan for 1.5 ms of work.


def place_names_create(sender=None, *, using: str = "default", **kwargs) -> None:
    """Writes the matching functions and the triggers, and rebuilds the names (a
    post_migrate receiver)."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if not {table(PlaceName), table(PlaceAlias)} <= tables:
        return  # migrated back to before them
    with connection.cursor() as cursor:
        cursor.execute(MATCH_FUNCTIONS)
        cursor.execute(triggers_sql())
