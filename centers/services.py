"""Writes to centers. Every create, change and archive goes through here, so that the
derived geography, the public position and one history record per write are never
forgotten."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from planning.services import coverage_refresh
from regions.models import Commune, Region

from .models import AccessibilityFeature, Category, Center, Service, center_history
from .privacy import PUBLIC_FIELDS, STAFF_ONLY_FIELDS, apply_privacy_rule
from .sheets import SheetError, SheetRow

# The fields staff write as they are (the others give the position, the services and the
# accessibility, or are derived). The staff form edits them; a sheet may also archive.
CENTER_FIELDS = [
    "name_ar",
    "name_fr",
    "name_en",
    "category",
    "status",
    "status_note",
    "description_ar",
    "description_fr",
    "address_ar",
    "address_fr",
    "eligibility_ar",
    "eligibility_fr",
    "managing_organisation",
    "capacity",
    "phones",
    "email",
    "website",
    "opening_hours",
    "opening_hours_note",
    "last_verified_on",
    "source_urls",
    "external_ref",
]
IMPORTED_FIELDS = [*CENTER_FIELDS, "archived"]

SLUG_MAX_LENGTH = 80


@dataclass(frozen=True)
class Position:
    """Where a center is: a point, the commune it lies in, and how precise it is."""

    point: Point
    commune: Commune
    precision: str


def position_resolve(
    *,
    latitude: float | None,
    longitude: float | None,
    commune_code: str = "",
    precision: str = "",
) -> Position:
    """A position from latitude and longitude, or from a commune's code alone (then at
    the commune's reference point, precision `commune`). Raises ValidationError naming
    the field at fault: outside Morocco, latitude and longitude swapped, unknown commune,
    or a commune that does not contain the point."""
    if latitude is None and longitude is None:
        if not commune_code:
            raise ValidationError(
                {"latitude": _("Give a latitude and a longitude, or a commune code.")}
            )
        commune = _commune_by_code(commune_code)
        return Position(commune.reference_point, commune, Center.Precision.COMMUNE)
    if latitude is None or longitude is None:
        field = "latitude" if latitude is None else "longitude"
        raise ValidationError({field: _("Give both the latitude and the longitude.")})

    point = Point(longitude, latitude, srid=4326)
    commune = Commune.objects.at(point)
    if commune is None:
        if Commune.objects.at(Point(latitude, longitude, srid=4326)) is not None:
            raise ValidationError(
                {
                    "latitude": _(
                        "Latitude and longitude look swapped: %(lat)s, %(lon)s is outside "
                        "Morocco, but %(lon)s, %(lat)s is inside. In Morocco the latitude is "
                        "between 20 and 36 and the longitude between -17 and -1."
                    )
                    % {"lat": latitude, "lon": longitude}
                }
            )
        raise ValidationError(
            {
                "latitude": _("This position (%(lat)s, %(lon)s) is outside Morocco.")
                % {"lat": latitude, "lon": longitude}
            }
        )
    if commune_code and commune_code != commune.code:
        raise ValidationError(
            {
                "commune_code": _(
                    "The position lies in the commune %(found)s (%(name)s), not in %(given)s."
                )
                % {"found": commune.code, "name": commune.name_fr, "given": commune_code}
            }
        )
    return Position(point, commune, precision or Center.Precision.EXACT)


def _commune_by_code(code: str) -> Commune:
    try:
        return Commune.objects.select_related("province__region").get(code=code)
    except Commune.DoesNotExist:
        raise ValidationError(
            {"commune_code": _("Unknown commune code: %(code)s.") % {"code": code}}
        ) from None


def staff_regions(user) -> list[Region] | None:
    """The regions a staff member may work on; None means every region. Without a user
    (a management command run by an operator) every region is allowed."""
    if user is None or user.has_perm("centers.manage_all_regions"):
        return None
    return list(Region.objects.filter(staff_assignments__user=user))


def ensure_region_allowed(user, region: Region) -> None:
    regions = staff_regions(user)
    if regions is not None and region not in regions:
        raise PermissionDenied(
            _("You may only work on centers of your regions (%(regions)s), not of %(region)s.")
            % {
                "regions": ", ".join(r.name_fr for r in regions) or _("none"),
                "region": region.name_fr,
            }
        )


@transaction.atomic
def center_create(
    *,
    user,
    fields: dict,
    position: Position,
    services: Iterable[Service] = (),
    accessibility: Iterable[AccessibilityFeature] = (),
    reason: str = "",
) -> Center:
    center = Center()
    _set_fields(center, fields)
    center.slug = _unique_slug(center)
    center.external_ref = center.external_ref or new_reference()
    _place(center, position)
    ensure_region_allowed(user, center.region)
    _save_with_history(center, "+", user, reason, services, accessibility, public_change=True)
    return center


@transaction.atomic
def center_update(
    *,
    user,
    center: Center,
    fields: dict,
    position: Position,
    services: Iterable[Service] | None = None,
    accessibility: Iterable[AccessibilityFeature] | None = None,
    reason: str = "",
) -> list[str]:
    """Applies the changes; returns the names of the fields that changed (none: nothing
    is written and no history is recorded)."""
    ensure_region_allowed(user, center.region)
    before = center_snapshot(center)
    public_before = public_snapshot(center, before)
    _set_fields(center, fields)
    _place(center, position)
    ensure_region_allowed(user, center.region)
    services = list(center.services.all()) if services is None else list(services)
    accessibility = (
        list(center.accessibility.all()) if accessibility is None else list(accessibility)
    )
    after = center_snapshot(center, services=services, accessibility=accessibility)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        _save_with_history(
            center,
            "~",
            user,
            reason,
            services,
            accessibility,
            public_change=public_snapshot(center, after) != public_before,
        )
    return changed


@transaction.atomic
def center_archive(*, user, center: Center, reason: str = "") -> bool:
    """Takes the center out of the public directory; its record and history stay."""
    ensure_region_allowed(user, center.region)
    if center.archived:
        return False
    center.archived = True
    center.archived_at = timezone.now()
    _save_with_history(center, "~", user, reason or _("Archived"), public_change=True)
    return True


@transaction.atomic
def center_restore(*, user, center: Center, reason: str = "") -> bool:
    ensure_region_allowed(user, center.region)
    if not center.archived:
        return False
    center.archived = False
    center.archived_at = None
    _save_with_history(center, "~", user, reason or _("Restored"), public_change=True)
    return True


@transaction.atomic
def category_update(*, user, category: Category, fields: dict, reason: str = "") -> int:
    """Writes a category, with who and why in its history. When its sensitivity changes,
    the privacy rule is applied again to every center of the category in the same
    transaction, each center with a history record and a public change (so that partners'
    copies and caches follow). Returns how many centers were re-placed."""
    was_sensitive = Category.objects.select_for_update().get(pk=category.pk).sensitive
    for name, value in fields.items():
        setattr(category, name, value)
    category._history_user = user if getattr(user, "pk", None) else None
    category._change_reason = reason or None
    category.save()
    if category.sensitive == was_sensitive:
        return 0
    centers = list(
        Center.objects.filter(category=category).select_related("commune").select_for_update()
    )
    now = timezone.now()
    for center in centers:
        center.category = category
        apply_privacy_rule(center)
        center.updated_at = center.public_updated_at = now
    Center.objects.bulk_update(
        centers, [*PUBLIC_FIELDS, "updated_at", "public_updated_at"], batch_size=500
    )
    reason = reason or (
        _("Category made sensitive") if category.sensitive else _("Category made not sensitive")
    )
    for center in centers:
        _record_history(center, "~", user, reason)
    _refresh_coverage_after_commit(category)
    return len(centers)


def _set_fields(center: Center, fields: dict) -> None:
    archived_before = center.archived
    for name, value in fields.items():
        if name == "external_ref" and not value:
            continue  # a reference, once given, is never erased
        setattr(center, name, value)
    if center.archived != archived_before or (center.archived and not center.archived_at):
        center.archived_at = timezone.now() if center.archived else None


def center_snapshot(center: Center, *, services=None, accessibility=None) -> dict:
    """What a write could change, to tell a real change from a repeated one."""
    values = {
        field.name: getattr(center, field.attname)
        for field in Center._meta.concrete_fields
        if field.editable and field.name not in {"id", "created_at", "updated_at"}
    }
    values["location"] = _rounded(center.location) if center.location else None
    if center.pk is not None and services is None:
        services = center.services.all()
    if center.pk is not None and accessibility is None:
        accessibility = center.accessibility.all()
    values["services"] = sorted(s.code for s in services or [])
    values["accessibility"] = sorted(a.code for a in accessibility or [])
    return values


def public_snapshot(center: Center, snapshot: dict) -> dict:
    """What the public sees of a center, from its snapshot: a change here moves the
    public clock (`public_updated_at`); a change of staff-only facts alone does not."""
    values = {name: value for name, value in snapshot.items() if name not in STAFF_ONLY_FIELDS}
    values.update(
        public_location=_rounded(center.public_location) if center.public_location else None,
        public_location_precision=center.public_location_precision,
        public_address_ar=center.public_address_ar,
        public_address_fr=center.public_address_fr,
        commune=center.commune_id,
    )
    return values


def _rounded(point: Point) -> tuple[float, float]:
    # 7 decimals of a degree: about 1 cm, below any difference that matters.
    return round(point.x, 7), round(point.y, 7)


def _place(center: Center, position: Position) -> None:
    commune = position.commune
    center.location = position.point
    center.location_precision = position.precision
    center.commune = commune
    center.province = commune.province
    center.region = commune.province.region
    apply_privacy_rule(center)


def _refresh_coverage_after_commit(category: Category) -> None:
    """The planners' distances follow the directory: once the write is committed, the
    categories it touched are recomputed, once per transaction however many centers it
    wrote."""
    connection = transaction.get_connection()
    pending = getattr(connection, "coverage_categories_pending", None)
    refresh_scheduled = any(
        callback is getattr(connection, "coverage_refresh", None)
        for _savepoints, callback, _robust in connection.run_on_commit
    )
    # A rolled-back transaction drops its callbacks: the next write schedules afresh.
    if pending is None or not refresh_scheduled:
        pending = connection.coverage_categories_pending = set()

        def refresh():
            ids = set(connection.coverage_categories_pending)
            connection.coverage_categories_pending = None
            coverage_refresh(categories=Category.objects.filter(id__in=ids))

        connection.coverage_refresh = refresh
        pending.add(category.pk)
        transaction.on_commit(refresh)
        return
    pending.add(category.pk)


def _save_with_history(
    center: Center,
    history_type: str,
    user,
    reason: str,
    services=None,
    accessibility=None,
    *,
    public_change: bool,
) -> None:
    """Saves the center and its services in one history record (not one per field)."""
    if public_change:
        center.public_updated_at = timezone.now()
    center.skip_history_when_saving = True
    try:
        center.save()
        if services is not None:
            center.services.set(services)
        if accessibility is not None:
            center.accessibility.set(accessibility)
    finally:
        del center.skip_history_when_saving
    _record_history(center, history_type, user, reason)
    _refresh_coverage_after_commit(center.category)


def _record_history(center: Center, history_type: str, user, reason: str) -> None:
    center._history_user = user if getattr(user, "pk", None) else None
    center._change_reason = reason or None
    center_history.create_historical_record(center, history_type)


def new_reference() -> str:
    """A stable reference for a center that staff created without one: it identifies the
    center in every export, so that importing the export again matches it."""
    return f"ref-{uuid.uuid4().hex[:12]}"


def _unique_slug(center: Center) -> str:
    base = slugify(center.name_fr or center.name_ar, allow_unicode=True)[:SLUG_MAX_LENGTH]
    base = base.strip("-") or "center"
    slug, n = base, 1
    while Center.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@dataclass
class RowOutcome:
    line: int
    external_ref: str
    name: str
    action: str  # "create", "update" or "unchanged"
    changed: list[str]


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


class _Rollback(Exception):
    """Undoes a dry run, or an import with errors: nothing is written."""


def centers_import(
    *,
    user,
    rows: list[SheetRow],
    errors: list[SheetError],
    dry_run: bool,
    reason: str,
    only_new: bool = False,
) -> ImportReport:
    """Creates or updates a center per row, matched on `external_ref`.

    All or nothing: the rows are written in one transaction, which is rolled back when
    any row (or the file) has an error, and at the end of a dry run; a dry run therefore
    reports exactly what the import would do. Importing the same sheet again changes
    nothing. With `only_new`, centers already in the database are left as they are (the
    demo data is loaded that way, so that staff edits survive a reload)."""
    errors = list(errors)
    unreadable_lines = {error.line for error in errors}
    outcomes: list[RowOutcome] = []
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    outcome = _import_row(
                        user,
                        row,
                        reason,
                        check_only=row.line in unreadable_lines,
                        only_new=only_new,
                    )
                    if outcome is not None:
                        outcomes.append(outcome)
                except ValidationError as error:
                    errors.extend(
                        SheetError(row.line, field if field != NON_FIELD_ERRORS else "", message)
                        for field, messages in _error_dict(error).items()
                        for message in messages
                    )
                except PermissionDenied as error:
                    errors.append(SheetError(row.line, "", str(error)))
            if errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return ImportReport(outcomes, sorted(errors, key=_error_order), applied=not (errors or dry_run))


def _import_row(
    user, row: SheetRow, reason: str, *, check_only: bool, only_new: bool
) -> RowOutcome | None:
    """Imports a row; with `check_only` (a row with unreadable cells) only checks where it
    would go, so that the report lists every problem at once."""
    values = row.values
    position = position_resolve(
        latitude=values.get("latitude"),
        longitude=values.get("longitude"),
        commune_code=values.get("commune_code", ""),
        precision=values.get("location_precision", ""),
    )
    ensure_region_allowed(user, position.commune.province.region)
    reference = values.get("external_ref")
    center = Center.objects.select_related("category", "region").filter(external_ref=reference)
    center = center.first() if reference else None
    if center is not None:
        ensure_region_allowed(user, center.region)
    if check_only:
        return None
    fields = {name: values[name] for name in IMPORTED_FIELDS if name in values}
    name = values.get("name_fr") or values.get("name_ar", "")
    if center is not None and only_new:
        return RowOutcome(row.line, reference, name, "unchanged", [])
    # A savepoint per row, so that a row refused by the database does not hide the others.
    with transaction.atomic():
        if center is None:
            center_create(
                user=user,
                fields=fields,
                position=position,
                services=values.get("services", ()),
                accessibility=values.get("accessibility", ()),
                reason=reason,
            )
            return RowOutcome(row.line, reference, name, "create", [])
        changed = center_update(
            user=user,
            center=center,
            fields=fields,
            position=position,
            services=values.get("services"),
            accessibility=values.get("accessibility"),
            reason=reason,
        )
    return RowOutcome(row.line, reference, name, "update" if changed else "unchanged", changed)


def _error_dict(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def _error_order(error: SheetError) -> tuple:
    return (error.line, error.column)
