"""Writes to centers, one at a time: create, change, verify, archive, restore, and a
category's change of sensitivity. Each goes through here, so that the derived geography, the public
position, the regional scope, the version check and one history record per write are
never forgotten. Sheets are written by centers/imports.py, with the same rules."""

import uuid
from collections.abc import Iterable

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import AccessibilityFeature, Category, Center, Service, center_history
from .positions import Position, apply_position
from .privacy import PUBLIC_FIELDS, STAFF_ONLY_FIELDS, apply_privacy_rule
from .roles import ensure_region_allowed
from .signals import centers_changed_on_commit

# The fields staff write as they are (the others give the position, the services and the
# accessibility, or are derived). The staff form edits them.
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
SLUG_MAX_LENGTH = 80


class CenterChanged(Exception):
    """A write based on a version of a center that is no longer its current one: someone
    else changed the center since it was read. Nothing is written."""

    def __init__(self, center_id: int, read_version: int):
        super().__init__(f"center {center_id} changed since version {read_version}")
        self.center_id = center_id
        self.read_version = read_version

    def changes(self):
        """The history records written since the version was read, oldest first."""
        return Center.history.filter(id=self.center_id, version__gt=self.read_version).order_by(
            "history_date", "history_id"
        )


def _ensure_current(center: Center) -> None:
    """Locks the center's row until the transaction ends and refuses the write when the
    center changed since `center.version` was read (whoever holds the instance holds the
    version it was read at: a form carries it from the page it showed)."""
    current = (
        Center.objects.select_for_update(of=("self",), no_key=True)
        .values_list("version", flat=True)
        .get(pk=center.pk)
    )
    if current != center.version:
        raise CenterChanged(center.pk, center.version)


def _lock_current(center: Center) -> None:
    """Locks the center's row until the transaction ends and reads it again: archiving
    and restoring do not depend on what the staff member saw, only on the current
    record."""
    Center.objects.select_for_update(of=("self",), no_key=True).filter(pk=center.pk).exists()
    center.refresh_from_db()


def categories_held(ids) -> dict[int, Category]:
    """The categories, read now and held unchanged (FOR SHARE) until the transaction
    ends: a change of their sensitivity (category_update locks them FOR UPDATE) waits
    for the write, then re-places its centers with the others. Writers of centers do not
    wait for each other."""
    query = (
        f"SELECT * FROM {connection.ops.quote_name(Category._meta.db_table)} "  # noqa: S608 (the model's table)
        "WHERE id = ANY(%(ids)s) FOR SHARE"
    )
    return {category.pk: category for category in Category.objects.raw(query, {"ids": list(ids)})}


def _lock_category(center: Center) -> None:
    """The center's category as it is now, held until the write commits (so that the
    privacy rule is applied with its current sensitivity)."""
    center.category = categories_held([center.category_id])[center.category_id]


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
    apply_fields(center, fields)
    center.slug = _unique_slug(center)
    center.external_ref = center.external_ref or new_reference()
    _lock_category(center)
    apply_position(center, position)
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
    is written and no history is recorded). Raises CenterChanged when the center changed
    since `center.version` was read."""
    ensure_region_allowed(user, center.region)
    _ensure_current(center)
    before = center_snapshot(center)
    public_before = public_snapshot(center, before)
    apply_fields(center, fields)
    _lock_category(center)
    apply_position(center, position)
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
    if "category" in changed:
        # The center left its former category, whose centers changed too.
        centers_changed_on_commit([before["category"]])
    return changed


@transaction.atomic
def center_verify(*, user, center: Center, reason: str = "") -> bool:
    """Records that staff checked the center's facts today (Morocco's local date), with
    what they checked as the history's reason. Like archiving, it does not depend on what
    the staff member saw, only on the current record. Returns False when the center was
    already verified today (nothing is written)."""
    ensure_region_allowed(user, center.region)
    _lock_current(center)
    changed = center_update(
        user=user,
        center=center,
        fields={"last_verified_on": timezone.localdate()},
        position=Position(center.location, center.commune, center.location_precision),
        reason=reason or _("Verified"),
    )
    return bool(changed)


@transaction.atomic
def center_archive(*, user, center: Center, reason: str = "") -> bool:
    """Takes the center out of the public directory; its record and history stay."""
    ensure_region_allowed(user, center.region)
    _lock_current(center)
    if center.archived:
        return False
    center.archived = True
    center.archived_at = timezone.now()
    _save_with_history(center, "~", user, reason or _("Archived"), public_change=True)
    return True


@transaction.atomic
def center_restore(*, user, center: Center, reason: str = "") -> bool:
    ensure_region_allowed(user, center.region)
    _lock_current(center)
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
        center.version += 1
    Center.objects.bulk_update(
        centers, [*PUBLIC_FIELDS, "updated_at", "public_updated_at", "version"], batch_size=500
    )
    reason = reason or (
        _("Category made sensitive") if category.sensitive else _("Category made not sensitive")
    )
    for center in centers:
        _record_history(center, "~", user, reason)
    centers_changed_on_commit([category.pk])
    return len(centers)


def apply_fields(center: Center, fields: dict) -> None:
    """Sets the fields staff write as they are; archiving or restoring moves `archived_at`."""
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
    if history_type == "~":
        center.version += 1
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
    centers_changed_on_commit([center.category_id])


def _record_history(center: Center, history_type: str, user, reason: str) -> None:
    center._history_user = user if getattr(user, "pk", None) else None
    center._change_reason = reason or None
    center_history.create_historical_record(center, history_type)


def new_reference() -> str:
    """A stable reference for a center that staff created without one: it identifies the
    center in every export, so that importing the export again matches it."""
    return f"ref-{uuid.uuid4().hex[:12]}"


def slug_base(center: Center) -> str:
    base = slugify(center.name_fr or center.name_ar, allow_unicode=True)[:SLUG_MAX_LENGTH]
    return base.strip("-") or "center"


def _unique_slug(center: Center) -> str:
    base = slug_base(center)
    slug, n = base, 1
    while Center.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
