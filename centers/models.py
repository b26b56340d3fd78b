"""Social centers and their taxonomies.

Positions are `PointField(geography=True, srid=4326)`: distances are in metres on the
WGS84 spheroid. GEOS points are Point(x=longitude, y=latitude).
"""

from typing import Self

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo_directory.languages import Text, in_language, localized
from regions.models import Commune, Province, Region, SearchNormalize

from .completeness import VERIFICATION_MAX_AGE, CompletenessPercent, MissingFacts
from .roles import regions_seen

# Two centers of the same category closer than this may be the same place.
DUPLICATE_RADIUS_M = 100


class CodeManager(models.Manager):
    """Fixtures name taxonomy entries by code, so that loading them again updates them."""

    def get_by_natural_key(self, code):
        return self.get(code=code)


class Taxonomy(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    objects = CodeManager()

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self):
        return localized(self, "name")

    def natural_key(self):
        return (self.code,)


class Category(Taxonomy):
    description_ar = models.TextField(_("who it is for (Arabic)"))
    description_fr = models.TextField(_("who it is for (French)"))
    description_en = models.TextField(_("who it is for (English)"))
    icon = models.SlugField(
        _("icon"), max_length=40, help_text=_("Name of an icon in static/icons/.")
    )
    color = models.CharField(
        _("colour"), max_length=7, help_text=_("Hexadecimal colour of its markers, e.g. #005a8c.")
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Centers of a sensitive category are shown to the public at their commune's "
            "reference point only: their exact position never leaves the staff tools."
        ),
    )

    # Who changed a category and why: its sensitivity decides what the public may see.
    history = HistoricalRecords()

    class Meta(Taxonomy.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Service(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")


class AccessibilityFeature(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("accessibility feature")
        verbose_name_plural = _("accessibility features")


class CenterQuerySet(models.QuerySet):
    def published(self) -> Self:
        """What the public directory shows: every record that is not archived."""
        return self.filter(archived=False)

    def listed(self) -> Self:
        """What public lists show unless asked for other statuses: published records of
        the LISTED_STATUSES."""
        return self.published().filter(status__in=LISTED_STATUSES)

    def in_region(self, region: Region) -> Self:
        return self.filter(region=region)

    def in_province(self, province: Province) -> Self:
        return self.filter(province=province)

    def in_regions_of(self, user) -> Self:
        """The centers a staff member may see: all for the national roles, those of
        their assigned regions for a regional one (centers/roles.py)."""
        regions = regions_seen(user)
        return self if regions is None else self.filter(region__in=regions)

    def for_sheets(self) -> Self:
        """With what a sheet's row of each center reads (`sheets.center_row`), without
        the communes' boundaries."""
        return (
            self.select_related("category", "commune")
            .defer("commune__geom", "commune__geom_simplified")
            .prefetch_related("services", "accessibility")
        )

    def with_completeness(self) -> Self:
        """Each center with `missing_facts`, the codes of the expected facts it lacks, and
        `completeness`, the share of them it gives in per cent (centers/completeness.py)."""
        return self.annotate(missing_facts=MissingFacts(), completeness=CompletenessPercent())

    def lacking(self, fact_code: str) -> Self:
        """The centers that lack one of the facts expected of them."""
        return self.alias(lacks=MissingFacts()).filter(lacks__contains=[fact_code])

    def incomplete(self) -> Self:
        return self.alias(percent=CompletenessPercent()).filter(percent__lt=100)

    def verification_due(self) -> Self:
        """Not verified for VERIFICATION_MAX_AGE (12 months), or never."""
        return self.exclude(last_verified_on__gte=verification_cutoff())

    def verified_recently(self) -> Self:
        return self.filter(last_verified_on__gte=verification_cutoff())

    def to_check(self) -> Self:
        """A verification worklist: centers that lack an expected fact or are due for
        verification."""
        return self.alias(percent=CompletenessPercent()).filter(
            Q(percent__lt=100) | ~Q(last_verified_on__gte=verification_cutoff())
        )

    def nearest(self, point: Point, k: int) -> Self:
        """The k centers whose public position is closest to the point, nearest first,
        each with `distance_m`, the geodesic distance in metres."""
        return self.nearest_order(point)[:k]

    def nearest_order(self, point: Point) -> Self:
        """All of them, nearest first, with `distance_m`. Ordering by `<->` lets the
        spatial index find the first ones without reading the table."""
        return self.annotate(distance_m=Distance("public_location", point)).order_by(
            GeometryDistance("public_location", point)
        )

    def possible_duplicates(
        self, *, category: "Category", point: Point, commune: Commune, name_ar: str, name_fr: str
    ) -> Self:
        """Centers that may be the same place: of the same category within 100 m, or
        with the same name (normalised as in search) in the same commune."""
        same_place = Q(category=category, location__dwithin=(point, D(m=DUPLICATE_RADIUS_M)))
        same_name = Q()
        for name in filter(None, (name_ar, name_fr)):
            term = SearchNormalize(Value(name))
            same_name |= Q(normal_name_ar=term) | Q(normal_name_fr=term)
        if same_name:
            same_place |= Q(commune=commune) & same_name
        return (
            self.annotate(
                normal_name_ar=SearchNormalize("name_ar"), normal_name_fr=SearchNormalize("name_fr")
            )
            .filter(same_place)
            .select_related("commune")
        )


def verification_cutoff():
    """The oldest verification date that is still recent, in Morocco's local date."""
    return timezone.localdate() - VERIFICATION_MAX_AGE


# Records who changed what and when; services write one record per change through it.
center_history = HistoricalRecords(
    m2m_fields=["services", "accessibility"],
    excluded_fields=["search_text", "updated_at", "public_updated_at", "public_change"],
)


class Center(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        TEMPORARILY_CLOSED = "temporarily_closed", _("temporarily closed")
        PLANNED = "planned", _("planned")
        CLOSED = "closed", _("closed")

    class Precision(models.TextChoices):
        EXACT = "exact", _("exact")
        STREET = "street", _("street")
        COMMUNE = "commune", _("commune (approximate)")

    name_ar = models.CharField(_("name in Arabic"), max_length=300, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=300, blank=True)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="centers", verbose_name=_("category")
    )
    services = models.ManyToManyField(Service, blank=True, verbose_name=_("services"))
    accessibility = models.ManyToManyField(
        AccessibilityFeature, blank=True, verbose_name=_("accessibility")
    )
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    address_ar = models.TextField(_("address (Arabic)"), blank=True)
    address_fr = models.TextField(_("address (French)"), blank=True)
    eligibility_ar = models.TextField(_("who may come, what to bring (Arabic)"), blank=True)
    eligibility_fr = models.TextField(_("who may come, what to bring (French)"), blank=True)
    managing_organisation = models.CharField(_("managing organisation"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    phones = ArrayField(
        models.CharField(max_length=30), verbose_name=_("phone numbers"), default=list, blank=True
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # {"mon": [["08:30", "12:00"], ["14:00", "16:30"]], ...}: see centers/hours.py.
    opening_hours = models.JSONField(_("opening hours"), default=dict, blank=True)
    opening_hours_note = models.TextField(
        _("opening hours note"), blank=True, help_text=_("Ramadan hours, holidays…")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    status_note = models.CharField(_("status note"), max_length=300, blank=True)

    location = models.PointField(_("position"), geography=True, srid=4326)
    location_precision = models.CharField(
        _("precision of the position"), max_length=8, choices=Precision.choices
    )
    # What the public may know of where the center is: its position and address, or for
    # a sensitive category its commune's reference point and no address (see
    # centers/privacy.py). Derived when the center is written.
    public_location = models.PointField(geography=True, srid=4326, editable=False)
    public_location_precision = models.CharField(
        max_length=8, choices=Precision.choices, editable=False
    )
    public_address_ar = models.TextField(blank=True, editable=False)
    public_address_fr = models.TextField(blank=True, editable=False)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="centers",
        editable=False,
        verbose_name=_("commune"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="centers",
        editable=False,
        verbose_name=_("province"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="centers",
        editable=False,
        verbose_name=_("region"),
    )

    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    source_urls = ArrayField(
        models.URLField(max_length=500),
        verbose_name=_("sources"),
        default=list,
        blank=True,
        help_text=_("Where the facts were read: one address per line."),
    )
    external_ref = models.CharField(
        _("external reference"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_(
            "The center's reference in sheets; unique. Left empty, one is made when the "
            "center is saved."
        ),
    )
    is_synthetic = models.BooleanField(
        default=False, editable=False, help_text="Generated for benchmarks; never real."
    )
    archived = models.BooleanField(_("archived"), default=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Two clocks: any write moves `updated_at` (the staff's); only a change of what the
    # public sees moves `public_updated_at`, the clock of everything public (sync,
    # tombstones, ETag, Last-Modified), so that editing a sensitive center's exact
    # position or street address tells an outsider nothing.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    public_updated_at = models.DateTimeField(
        _("publicly updated at"), default=timezone.now, editable=False, db_index=True
    )
    # The order of public changes for a copy kept in sync: the id of the transaction that
    # last changed what the public sees, written by the database (centers/changes.py).
    # Unlike a time, it tells which changes are surely committed: every transaction
    # below the oldest one still running has ended.
    public_change = models.BigIntegerField(null=True, editable=False)
    # Optimistic concurrency: every write adds one. A staff form and an import preview
    # carry the version they read; a write based on an older one is refused, so that
    # nobody's change silently erases another's (centers/services.py).
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    search_text = models.GeneratedField(
        expression=SearchNormalize(
            Concat(
                "name_ar",
                Value(" "),
                "name_fr",
                Value(" "),
                "name_en",
                Value(" "),
                "public_address_ar",
                Value(" "),
                "public_address_fr",
                Value(" "),
                "managing_organisation",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    history = center_history
    objects = CenterQuerySet.as_manager()

    class Meta:
        verbose_name = _("center")
        verbose_name_plural = _("centers")
        ordering = ["region__code", "name_fr", "name_ar"]
        permissions = [
            ("manage_all_regions", _("Can manage the centers of every region")),
            ("view_all_regions", _("Can see the centers of every region")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_ar="") | ~Q(name_fr=""), name="center_has_a_name"
            ),
        ]
        indexes = [
            GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="center_search"),
            models.Index(fields=["category", "status"], name="center_category_status"),
            models.Index(fields=["public_change", "id"], name="center_public_change"),
        ]

    def __str__(self):
        return localized(self, "name")

    @property
    def other_name(self) -> Text:
        """Its name in the other of its two official languages, Arabic and French, than
        the one its page shows it in; none when it has no other."""
        shown = in_language(self, "name").language
        other = "fr" if shown == "ar" else "ar"
        return Text(getattr(self, f"name_{other}"), other)

    def verification_is_due(self) -> bool:
        """As CenterQuerySet.verification_due, of this center."""
        return self.last_verified_on is None or self.last_verified_on < verification_cutoff()


# The statuses public lists show unless asked for others: a center that is planned or
# closed is not a place to go to now.
LISTED_STATUSES = (Center.Status.OPEN.value, Center.Status.TEMPORARILY_CLOSED.value)


class HelplineQuerySet(models.QuerySet):
    def in_service(self) -> Self:
        return self.filter(withdrawn=False)

    def for_categories(self, categories) -> Self:
        """The numbers to show beside centers of these categories: those meant for one of
        them, and those meant for every sensitive category (no category of their own)."""
        return (
            self.filter(Q(categories__in=categories) | Q(categories__isnull=True))
            .distinct()
            .order_by("position", "number")
        )


class HelplineManager(models.Manager.from_queryset(HelplineQuerySet)):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class Helpline(models.Model):
    """A national number that a person in danger can call at once, shown at the top of
    every result and page of a sensitive category. National staff keep it true."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    for_whom_ar = models.CharField(_("for whom (Arabic)"), max_length=300)
    for_whom_fr = models.CharField(_("for whom (French)"), max_length=300)
    for_whom_en = models.CharField(_("for whom (English)"), max_length=300)
    hours_ar = models.CharField(_("hours (Arabic)"), max_length=100)
    hours_fr = models.CharField(_("hours (French)"), max_length=100)
    hours_en = models.CharField(_("hours (English)"), max_length=100)
    run_by = models.CharField(_("run by"), max_length=400)
    categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="helplines",
        verbose_name=_("categories"),
        help_text=_("Shown beside centers of these categories; none: beside every sensitive one."),
    )
    last_confirmed_year = models.PositiveSmallIntegerField(
        _("year last confirmed"), help_text=_("The year of the newest source that gives it.")
    )
    source_url = models.URLField(_("source"), max_length=500)
    withdrawn = models.BooleanField(
        _("withdrawn"), default=False, help_text=_("A withdrawn number is shown nowhere.")
    )
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    history = HistoricalRecords(m2m_fields=["categories"])
    objects = HelplineManager()

    class Meta:
        verbose_name = _("helpline")
        verbose_name_plural = _("helplines")
        ordering = ["position", "number"]

    def __str__(self):
        return f"{self.number} {localized(self, 'name')}"

    def natural_key(self):
        return (self.number,)


class StaffAssignment(models.Model):
    """A regional editor works on the centers of the regions they are assigned to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="region_assignments",
        verbose_name=_("staff member"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="staff_assignments", verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("regional assignment")
        verbose_name_plural = _("regional assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="one_assignment_per_region")
        ]

    def __str__(self):
        return f"{self.user} → {self.region}"
