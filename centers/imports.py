"""Imports of sheets: a center created or updated per row, matched on `external_ref`, with
the rules of a single write (centers/services.py) applied to all the rows at once."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Func, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AccessibilityFeature, Center, Service, center_history
from .positions import CommuneLookup, Position, apply_position, position_resolve
from .privacy import PUBLIC_FIELDS, apply_privacy_rule
from .roles import ensure_region_allowed, staff_regions
from .services import (
    CENTER_FIELDS,
    apply_fields,
    categories_held,
    center_snapshot,
    new_reference,
    public_snapshot,
    slug_base,
)
from .sheets import SheetError, SheetRow
from .signals import centers_changed_on_commit

# What a sheet writes as it is: the staff form's fields, and whether the center is archived.
IMPORTED_FIELDS = [*CENTER_FIELDS, "archived"]


@dataclass
class RowOutcome:
    line: int
    external_ref: str
    name: str
    # "create", "update", "unchanged"; "duplicate": a new center that may be one already
    # listed, created only when confirmed for its line; "example": the template's
    # example row, never imported.
    action: str
    changed: list[str]
    duplicates: list[str] = field(default_factory=list)
    # The version of the center the row was compared with (none for a new center): the
    # confirm of a preview applies the row only if the center is still at this version.
    version: int | None = None


@dataclass
class ImportReport:
    outcomes: list[RowOutcome]
    errors: list[SheetError]
    applied: bool

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def count_create(self) -> int:
        return self.count("create")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")


@dataclass
class _PlannedRow:
    """What an import does with one row, decided before anything is written."""

    line: int
    center: Center
    action: str  # as RowOutcome's
    changed: list[str]
    services: list[Service]
    accessibility: list[AccessibilityFeature]
    public_change: bool
    duplicates: list[str] = field(default_factory=list)
    # The category an updated center leaves, when the row changes it.
    former_category_id: int | None = None


def centers_import(
    *,
    user,
    rows: list[SheetRow],
    errors: list[SheetError],
    dry_run: bool,
    reason: str,
    only_new: bool = False,
    create_duplicates: Iterable[int] = (),
    preview: Iterable[RowOutcome] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    on_write: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Creates or updates a center per row, matched on `external_ref`.

    Set-based, so that a sheet of thousands of rows takes seconds: one query finds the
    commune of every row, one the centers the rows name; each row is then checked and
    compared in memory with the same rules as a single write (position, regional scope,
    privacy rule, the two clocks), and the changes are written in bulk (centers, their
    services, one history record each) in one transaction. All or nothing: when any row
    (or the file) has an error nothing is written; a dry run reports the same outcomes
    and writes nothing. Importing the same sheet again changes nothing. With `only_new`,
    centers already in the database are left as they are (the demo data is loaded that
    way, so that staff edits survive a reload).

    A new center that may be one already listed (same category within 200 m, or a close
    name in the same commune) is a "duplicate" and is created only when its line is in
    `create_duplicates`, as the staff member confirmed after the dry run.

    The confirm of a dry run passes its outcomes as `preview`: the import then applies
    exactly what the preview showed, and refuses (listing them by line) the rows whose
    center someone changed since, or whose outcome is no longer the one shown. Every
    center an import updates is locked and checked against the version it was compared
    with, so that a write made meanwhile is never overwritten.

    `progress(stage, done, total)` hears how far the import is, now and then;
    `on_write(report)` runs in the import's transaction, once its rows are written."""
    errors = list(errors)
    progress = progress or (lambda stage, done, total: None)
    planned = _import_plan(user, rows, errors, only_new=only_new, progress=progress)
    progress("checking", len(rows), len(rows))
    _flag_duplicates(planned, confirmed=set(create_duplicates))
    outcomes = [
        RowOutcome(
            row.line,
            row.center.external_ref,
            row.center.name_fr or row.center.name_ar,
            row.action,
            row.changed,
            row.duplicates,
            row.center.version if row.center.pk else None,
        )
        for row in planned
    ]
    if preview is not None:
        errors.extend(_changed_since_preview(outcomes, list(preview), set(create_duplicates)))
    applied = not (errors or dry_run)
    if applied:
        writing = sum(1 for row in planned if row.action in {"create", "update"})
        progress("writing", 0, writing)
        report = ImportReport(outcomes, sorted(errors, key=_error_order), applied=True)
        try:
            with transaction.atomic():
                _import_write(user, planned, reason)
                if on_write is not None:
                    on_write(report)
        except _CentersChanged as changed:
            errors.extend(changed.errors)
            applied = False
        else:
            progress("writing", writing, writing)
    return ImportReport(outcomes, sorted(errors, key=_error_order), applied=applied)


def _changed_since_preview(
    outcomes: list[RowOutcome], preview: list[RowOutcome], confirmed: set[int]
):
    """The rows whose outcome differs from the preview's: their center was changed since
    (a new version), or what the row would do is no longer what was shown (a possible
    duplicate that the staff member confirmed is shown as one, and is now created)."""

    def shown_outcome(outcome: RowOutcome) -> tuple:
        confirmed_duplicate = outcome.action == "duplicate" and outcome.line in confirmed
        action = "create" if confirmed_duplicate else outcome.action
        return action, outcome.changed, outcome.version

    shown = {outcome.line: outcome for outcome in preview}
    changed = [
        before or outcome
        for outcome in outcomes
        if (before := shown.get(outcome.line)) is None
        or shown_outcome(outcome) != shown_outcome(before)
    ]
    return _changed_errors(
        changed, _("changed since the preview, which no longer shows what would be done")
    )


def _changed_errors(outcomes, what: str) -> list[SheetError]:
    """One error per line: who changed the center and when, if someone did."""
    latest = {
        record.external_ref: record
        for record in Center.history.filter(
            external_ref__in=[o.external_ref for o in outcomes if o.version is not None]
        )
        .select_related("history_user")
        .order_by("external_ref", "-history_date")
        .distinct("external_ref")
    }
    errors = []
    for outcome in outcomes:
        record = latest.get(outcome.external_ref)
        if record is not None and record.version != outcome.version:
            message = _("%(what)s: %(user)s changed this center on %(date)s.") % {
                "what": what,
                "user": record.history_user or _("an import or a command"),
                "date": timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M"),
            }
        else:
            message = what
        errors.append(SheetError(outcome.line, "", message[0].upper() + message[1:]))
    return errors


class _CentersChanged(Exception):
    def __init__(self, errors: list[SheetError]):
        self.errors = errors


# Progress is told every this many rows checked.
_PROGRESS_EVERY = 500


def _import_plan(user, rows: list[SheetRow], errors: list[SheetError], *, only_new: bool, progress):
    """The outcome of every row, checked as a single write would be; appends the rows'
    errors. Rows whose cells could not be read are only checked for where they would go,
    so that the report lists every problem at once."""
    unreadable_lines = {error.line for error in errors}
    regions = staff_regions(user)
    communes = CommuneLookup.for_values([row.values for row in rows])
    references = [row.values["external_ref"] for row in rows if row.values.get("external_ref")]
    existing = {
        center.external_ref: center
        for center in Center.objects.filter(external_ref__in=references)
        .select_related("category", "commune__province__region", "region")
        # Boundaries weigh megabytes and are not needed to compare a row.
        .defer(
            *(
                f"{area}__{boundary}"
                for area in ("commune", "commune__province", "commune__province__region", "region")
                for boundary in ("geom", "geom_simplified")
            )
        )
        .prefetch_related("services", "accessibility")
    }
    planned = []
    for done, row in enumerate(rows):
        if done % _PROGRESS_EVERY == 0:
            progress("checking", done, len(rows))
        values = row.values
        if row.example:
            example = Center(external_ref=values.get("external_ref", ""))
            planned.append(_PlannedRow(row.line, example, "example", [], [], [], False))
            continue
        try:
            position = position_resolve(
                latitude=values.get("latitude"),
                longitude=values.get("longitude"),
                commune_code=values.get("commune_code", ""),
                precision=values.get("location_precision", ""),
                communes=communes,
            )
            ensure_region_allowed(user, position.commune.province.region, regions=regions)
            center = existing.get(values.get("external_ref"))
            if center is not None:
                ensure_region_allowed(user, center.region, regions=regions)
        except ValidationError as error:
            errors.extend(
                SheetError(row.line, field if field != NON_FIELD_ERRORS else "", message)
                for field, messages in _error_dict(error).items()
                for message in messages
            )
            continue
        except PermissionDenied as error:
            errors.append(SheetError(row.line, "", str(error)))
            continue
        if row.line in unreadable_lines:
            continue
        planned.append(_planned_row(row, center, position, only_new=only_new))
    return planned


def _planned_row(row: SheetRow, center: Center | None, position: Position, *, only_new: bool):
    values = row.values
    fields = {name: values[name] for name in IMPORTED_FIELDS if name in values}
    if center is not None and only_new:
        return _PlannedRow(row.line, center, "unchanged", [], [], [], public_change=False)
    if center is None:
        center = Center()
        apply_fields(center, fields)
        apply_position(center, position)
        center.external_ref = center.external_ref or new_reference()
        services = list(values.get("services", ()))
        accessibility = list(values.get("accessibility", ()))
        return _PlannedRow(
            row.line, center, "create", [], services, accessibility, public_change=True
        )
    before = center_snapshot(center)
    public_before = public_snapshot(center, before)
    apply_fields(center, fields)
    apply_position(center, position)
    services = list(values["services"] if "services" in values else center.services.all())
    accessibility = list(
        values["accessibility"] if "accessibility" in values else center.accessibility.all()
    )
    after = center_snapshot(center, services=services, accessibility=accessibility)
    changed = [name for name in after if after[name] != before[name]]
    return _PlannedRow(
        row.line,
        center,
        "update" if changed else "unchanged",
        changed,
        services,
        accessibility,
        public_change=bool(changed) and public_snapshot(center, after) != public_before,
        former_category_id=before["category"] if "category" in changed else None,
    )


# A new center this close to one of the same category may be the same place (metres).
IMPORT_DUPLICATE_RADIUS_M = 200
# Names at least this similar (trigrams, 0 to 1), in the same commune, may name one place.
IMPORT_DUPLICATE_NAME_SIMILARITY = 0.6


def _flag_duplicates(planned: list[_PlannedRow], *, confirmed: set[int]) -> None:
    """Finds, for all the rows that create a center, the centers already listed that may
    be the same place: two queries, whatever the number of rows."""
    creating = [row for row in planned if row.action == "create"]
    if not creating:
        return
    parameters = {
        "lons": [row.center.location.x for row in creating],
        "lats": [row.center.location.y for row in creating],
        "categories": [row.center.category_id for row in creating],
        "communes": [row.center.commune_id for row in creating],
        "names": [row.center.name_fr or row.center.name_ar for row in creating],
        "radius": IMPORT_DUPLICATE_RADIUS_M,
        "similarity": IMPORT_DUPLICATE_NAME_SIMILARITY,
    }
    # The rows, with their names normalised once (as the centers' search_text is).
    rows = (
        "(SELECT *, search_normalize(name) AS normal_name FROM unnest(%(lons)s::float8[], "
        "%(lats)s::float8[], %(categories)s::bigint[], %(communes)s::bigint[], "
        "%(names)s::text[]) WITH ORDINALITY AS u(lon, lat, category_id, commune_id, name, i)) r"
    )
    table = Center._meta.db_table
    found: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        for condition in (
            "c.category_id = r.category_id AND ST_DWithin(c.location, "
            "ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)::geography, %(radius)s)",
            "c.commune_id = r.commune_id "
            "AND strict_word_similarity(r.normal_name, c.search_text) >= %(similarity)s",
        ):
            cursor.execute(
                "SELECT r.i, c.external_ref, coalesce(nullif(c.name_fr, ''), c.name_ar) "  # noqa: S608 (names from the models)
                f"FROM {rows} JOIN {table} c ON {condition} WHERE NOT c.archived "
                "ORDER BY r.i, c.id",
                parameters,
            )
            for index, reference, name in cursor.fetchall():
                label = f"{name} ({reference})"
                if label not in found.setdefault(index - 1, []):
                    found[index - 1].append(label)
    for index, duplicates in found.items():
        row = creating[index]
        row.duplicates = duplicates
        if row.line not in confirmed:
            row.action = "duplicate"


# Every column an import may change, for bulk updates (search_text is generated).
_WRITTEN_FIELDS = [
    *IMPORTED_FIELDS,
    "archived_at",
    "location",
    "location_precision",
    *PUBLIC_FIELDS,
    "commune",
    "province",
    "region",
    "updated_at",
    "public_updated_at",
    "version",
]
_BATCH = 1000


@transaction.atomic
def _import_write(user, planned: list[_PlannedRow], reason: str) -> None:
    now = timezone.now()
    created = [row for row in planned if row.action == "create"]
    updated = [row for row in planned if row.action == "update"]
    written = created + updated
    _ensure_rows_current(updated)
    _with_current_categories(written)
    _assign_slugs([row.center for row in created])
    for row in updated:
        row.center.version += 1
    for row in written:
        row.center.updated_at = now
        if row.public_change:
            row.center.public_updated_at = now
    Center.objects.bulk_create([row.center for row in created], batch_size=_BATCH)
    Center.objects.bulk_update([row.center for row in updated], _WRITTEN_FIELDS, batch_size=_BATCH)
    through_rows = {
        "services": _replace_relations(Center.services, written, "services", "service"),
        "accessibility": _replace_relations(
            Center.accessibility, written, "accessibility", "accessibilityfeature"
        ),
    }
    history_user = user if getattr(user, "pk", None) else None
    for history_type, rows in (("+", created), ("~", updated)):
        records = Center.history.bulk_history_create(
            [row.center for row in rows],
            batch_size=_BATCH,
            update=history_type == "~",
            default_user=history_user,
            default_change_reason=reason,
            default_date=now,
        )
        _record_relations_history(records, through_rows)
    # A center that changes category changes its former category's centers too.
    centers_changed_on_commit(
        {row.center.category_id for row in written}
        | {row.former_category_id for row in updated if row.former_category_id is not None}
    )
    if len(written) >= _ANALYZE_AFTER:
        _analyze_centers()


def _with_current_categories(rows: list[_PlannedRow]) -> None:
    """Holds the written centers' categories unchanged until the import commits, and
    applies the privacy rule again to the rows whose category's sensitivity changed
    since they were planned: a category made sensitive during a long import never lets
    one of its centers' exact position out."""
    current = categories_held({row.center.category_id for row in rows})
    for row in rows:
        category = current[row.center.category_id]
        if category.sensitive != row.center.category.sensitive:
            row.center.category = category
            apply_privacy_rule(row.center)
            row.public_change = True


def _ensure_rows_current(rows: list[_PlannedRow]) -> None:
    """Locks the centers the import updates until it commits, and refuses the import
    when any of them changed since the rows were compared with it."""
    read = {row.center.pk: row for row in rows}
    current = Center.objects.select_for_update(of=("self",), no_key=True).filter(pk__in=read)
    changed = [
        RowOutcome(
            row.line, row.center.external_ref, "", row.action, [], version=row.center.version
        )
        for pk, version in current.values_list("pk", "version")
        if version != (row := read[pk]).center.version
    ]
    if changed:
        raise _CentersChanged(_changed_errors(changed, _("changed while the import ran")))


# After this many rows written at once, the planner is told how the tables grew: until
# autovacuum's next pass it would plan the next import or export for the old, smaller
# tables (nested loops over tens of thousands of rows).
_ANALYZE_AFTER = 1000


def _analyze_centers() -> None:
    tables = [
        Center._meta.db_table,
        Center.services.through._meta.db_table,
        Center.accessibility.through._meta.db_table,
        Center.history.model._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _replace_relations(descriptor, rows: list[_PlannedRow], attribute: str, target: str):
    """Makes the many-to-many rows of the written centers those planned; returns the new
    through rows by center id."""
    through = descriptor.through
    through.objects.filter(center_id__in=[row.center.pk for row in rows]).delete()
    created = through.objects.bulk_create(
        [
            through(center_id=row.center.pk, **{f"{target}_id": item.pk})
            for row in rows
            for item in getattr(row, attribute)
        ],
        batch_size=_BATCH,
    )
    by_center: dict[int, list] = {}
    for item in created:
        by_center.setdefault(item.center_id, []).append(item)
    return by_center


def _record_relations_history(records, through_rows: dict) -> None:
    """Each history record keeps the center's services and accessibility at that time, as
    simple-history does for a single save."""
    for relation, history_model in center_history.m2m_models.items():
        if relation.model is not Center:
            continue  # the mapping is shared by every model with history
        rows = through_rows[relation.name]
        history_model.objects.bulk_create(
            [
                history_model(
                    history=record,
                    **{
                        column.attname: getattr(item, column.attname)
                        for column in item._meta.concrete_fields
                    },
                )
                for record in records
                for item in rows.get(record.id, [])
            ],
            batch_size=_BATCH,
        )


def _assign_slugs(centers: list[Center]) -> None:
    """Unique slugs for many new centers with one query."""
    bases = [slug_base(center) for center in centers]
    taken = set(
        Center.objects.annotate(
            base=Func(F("slug"), Value("-[0-9]+$"), Value(""), function="regexp_replace")
        )
        .filter(base__in=set(bases))
        .values_list("slug", flat=True)
    )
    for center, base in zip(centers, bases, strict=True):
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        center.slug = slug


def _error_dict(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def _error_order(error: SheetError) -> tuple:
    return (error.line, error.column)
