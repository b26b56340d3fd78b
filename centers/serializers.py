"""What the public API says about a single center, serialized in Python.

Lists are written by the database in the shape declared in centers/public_shape.py.
Every position is the public one (centers/privacy.py).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regions.serializers import PointField

from . import public_shape
from .models import Category, Center


@extend_schema_field(public_shape.LOCATION.value_schema)
class PublicPointField(PointField):
    pass


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
    last_verified_on = serializers.DateField(
        allow_null=True, help_text=public_shape.field("last_verified_on").description
    )
    # Annotated by selectors.published_with_details.
    completeness = serializers.IntegerField(
        min_value=0, max_value=100, help_text=public_shape.field("completeness").description
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
            "completeness",
            "source_urls",
            "updated_at",
        ]
