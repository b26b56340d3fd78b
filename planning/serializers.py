from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from centers.models import Category

from .indicators import Level, categories_with_holdings


class CoverageParameters(serializers.Serializer):
    category = serializers.CharField(
        help_text=_(
            "Code of a category of center, such as disability, women, child-protection or "
            "parenting."
        )
    )
    level = serializers.ChoiceField(
        choices=Level.choices,
        help_text=_("One row per region, per province or prefecture, or per commune."),
    )

    def validate_category(self, code: str) -> Category:
        """The category, with what the directory holds of it (see `directory_holdings`)."""
        category = categories_with_holdings().filter(code=code).first()
        if category is None:
            raise serializers.ValidationError(_("Unknown category: %(code)s.") % {"code": code})
        return category


class Rounded(serializers.FloatField):
    """A number divided by `divisor` (metres to kilometres), then rounded; for output."""

    def __init__(self, *, digits: int, divisor: int = 1, **kwargs):
        self.digits = digits
        self.divisor = divisor
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return round(float(value) / self.divisor, self.digits)


class CoverageFiguresSerializer(serializers.Serializer):
    population = serializers.IntegerField(allow_null=True, help_text=_("2024 census population."))
    centers_count = serializers.IntegerField(
        allow_null=True, help_text=_("Open centers of the category listed in the directory.")
    )
    centers_per_100k = Rounded(digits=3, help_text=_("Open centers per 100,000 inhabitants."))
    mean_distance_km = Rounded(
        source="mean_distance_m",
        digits=1,
        divisor=1000,
        help_text=_(
            "Mean distance in kilometres from the communes' reference points to the nearest "
            "open center, weighted by the communes' populations; null when the category "
            "has no open center."
        ),
    )
    population_beyond_20km = serializers.IntegerField(
        allow_null=True,
        help_text=_("People in communes more than 20 km from an open center, or with none."),
    )
    population_beyond_50km = serializers.IntegerField(
        allow_null=True,
        help_text=_("People in communes more than 50 km from an open center, or with none."),
    )
    share_beyond_20km = Rounded(
        digits=4, help_text=_("population_beyond_20km as a share of the population, 0 to 1.")
    )
    share_beyond_50km = Rounded(
        digits=4, help_text=_("population_beyond_50km as a share of the population, 0 to 1.")
    )


class AreaSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Official HCP code."))
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()
    name_en = serializers.CharField(source="display_name_en")


class AreaCoverageSerializer(AreaSerializer, CoverageFiguresSerializer):
    """A region, province or commune and its figures (names first)."""


class CommuneCoverageSerializer(AreaCoverageSerializer):
    """A commune and its figures; the last three fields are given at commune level only."""

    province = serializers.CharField(
        source="province_code", required=False, help_text=_("Province code.")
    )
    distance_km = Rounded(
        source="distance_m",
        digits=1,
        divisor=1000,
        required=False,
        help_text=_("Kilometres from the commune's reference point to the nearest open center."),
    )
    nearest_center = serializers.CharField(
        source="nearest_center_slug",
        allow_null=True,
        required=False,
        help_text=_("Slug of the nearest open center (see /api/v1/centers/{slug}/)."),
    )


class NationalTotalSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    as_of = serializers.CharField(help_text=_("Date of the figure as published."))
    statement_ar = serializers.CharField()
    statement_fr = serializers.CharField()
    statement_en = serializers.CharField()
    source_ar = serializers.CharField()
    source_fr = serializers.CharField()
    source_en = serializers.CharField()


class HoldingSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()
    name_en = serializers.CharField()
    listed = serializers.IntegerField(
        help_text=_("Open centers of the category that the directory lists.")
    )
    national_total = NationalTotalSerializer(
        allow_null=True, help_text=_("The number known nationally, with its source.")
    )
    note = serializers.CharField(help_text=_("What the figures cover, in plain words."))


# One object, although the list action answers it.
@extend_schema_serializer(many=False)
class CoveragePageSerializer(serializers.Serializer):
    """The documented shape of GET /api/v1/coverage/."""

    category = serializers.CharField(help_text=_("Code of the category."))
    level = serializers.ChoiceField(choices=Level.choices)
    refreshed_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the distances were computed; null if never.")
    )
    directory = HoldingSerializer(
        help_text=_(
            "How many centers of the category the directory holds against the "
            "national total known: distances are measured to listed centers only."
        )
    )
    national = CoverageFiguresSerializer(help_text=_("The figures for the whole country."))
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CommuneCoverageSerializer(
        many=True,
        help_text=_(
            "The most underserved first (most people beyond 50 km). Only commune rows have "
            "province, distance_km and nearest_center."
        ),
    )
