"""What the public API says about centers.

Lists are written by the database (centers/search.py and the functions of migration
centers 0005); the serializers below describe their shapes for the OpenAPI schema (a
test checks that they agree), and serialize a single center for its detail page.

Every position is the public one (centers/privacy.py).
"""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from regions.serializers import PointField

from .models import Category, Center

# Documentation of the list shapes (the database builds them).


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON Point [longitude, latitude], WGS84, 6 decimals. For a "
        "sensitive category: the commune's reference point.",
        "example": {"type": "Point", "coordinates": [-6.8326, 33.9716]},
    }
)
class PublicPointField(PointField):
    pass


class CenterListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    location = PublicPointField()
    slug = serializers.CharField()
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()
    name_en = serializers.CharField()
    category = serializers.CharField(help_text="Category code.")
    status = serializers.ChoiceField(choices=Center.Status.choices)
    location_precision = serializers.ChoiceField(
        choices=Center.Precision.choices,
        help_text="How precise `location` is: `commune` means an approximate position.",
    )
    region = serializers.CharField(help_text="Official region code.")
    province = serializers.CharField(help_text="Official province code.")
    commune = serializers.CharField(help_text="Official commune code.")
    commune_name_ar = serializers.CharField()
    commune_name_fr = serializers.CharField()
    phones = serializers.ListField(child=serializers.CharField())
    updated_at = serializers.DateTimeField(
        help_text="When what the public sees of the center last changed."
    )
    archived = serializers.BooleanField(
        help_text="True for a record taken out of the directory (a tombstone, listed only "
        "with modified_since)."
    )
    distance_m = serializers.IntegerField(
        required=False, help_text="Geodesic distance in metres (only with lat and lon)."
    )
    beyond_radius = serializers.BooleanField(
        required=False,
        help_text="True when no center lies within radius_km and this one is the nearest "
        "beyond it.",
    )


@extend_schema_serializer(many=False)  # the list answers one page object, not an array
class CenterPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        allow_null=True,
        help_text="Number of matching centers; null for a nearest-first search without "
        "radius (it has no bound) and when more than 1,000 match: follow `next`.",
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    beyond_radius = serializers.BooleanField(
        required=False, help_text="True when nothing lies within radius_km."
    )
    detail = serializers.CharField(required=False)
    results = CenterListItemSerializer(many=True)


# A single center, serialized in Python.


class TaxonomySerializer(serializers.Serializer):
    code = serializers.CharField()
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()
    name_en = serializers.CharField()


class CategorySerializer(TaxonomySerializer):
    description_ar = serializers.CharField()
    description_fr = serializers.CharField()
    description_en = serializers.CharField()
    icon = serializers.CharField()
    color = serializers.CharField()
    sensitive = serializers.BooleanField()

    class Meta:
        model = Category


class AreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()


class CenterDetailSerializer(serializers.ModelSerializer):
    # Slugs keep Arabic and accented letters, which JSON Schema's \w does not match.
    slug = serializers.CharField(read_only=True)
    category = CategorySerializer()
    services = TaxonomySerializer(many=True)
    accessibility = TaxonomySerializer(many=True)
    address_ar = serializers.CharField(source="public_address_ar")
    address_fr = serializers.CharField(source="public_address_fr")
    location = PublicPointField(source="public_location")
    location_precision = serializers.ChoiceField(
        source="public_location_precision", choices=Center.Precision.choices
    )
    region = AreaSerializer()
    province = AreaSerializer()
    commune = AreaSerializer()
    opening_hours = serializers.JSONField(
        help_text='Weekly hours, e.g. {"mon": [["08:30", "12:00"], ["14:00", "16:30"]]}; '
        "days mon…sun, at most two ranges a day, local time (Africa/Casablanca)."
    )
    updated_at = serializers.DateTimeField(
        source="public_updated_at",
        help_text="When what the public sees of the center last changed.",
    )

    class Meta:
        model = Center
        fields = [
            "slug",
            "name_ar",
            "name_fr",
            "name_en",
            "category",
            "services",
            "accessibility",
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
            "status",
            "status_note",
            "location",
            "location_precision",
            "region",
            "province",
            "commune",
            "last_verified_on",
            "source_urls",
            "updated_at",
        ]
