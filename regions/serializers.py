from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from geo_directory.parameters import LatitudeField, LongitudeField

from .models import Commune, Place, Province, Region

# 6 decimals of a degree: about 10 cm.
COORDINATE_DECIMALS = 6


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON Point, coordinates [longitude, latitude] in WGS84.",
        "example": {"type": "Point", "coordinates": [-6.8326, 33.9716]},
        "nullable": True,
    }
)
class PointField(serializers.Field):
    def to_representation(self, point):
        return {
            "type": "Point",
            "coordinates": [
                round(point.x, COORDINATE_DECIMALS),
                round(point.y, COORDINATE_DECIMALS),
            ],
        }


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "number"},
        "minItems": 4,
        "maxItems": 4,
        "description": "Bounding box [min_lon, min_lat, max_lon, max_lat] in WGS84.",
        "example": [-6.9, 33.9, -6.7, 34.1],
        "nullable": True,
    }
)
class BoundingBoxField(serializers.Field):
    def to_representation(self, box):
        return [round(value, COORDINATE_DECIMALS) for value in box.extent]


class AreaSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    name_en = serializers.CharField(source="display_name_en", read_only=True)
    reference_point = PointField(read_only=True, allow_null=True)

    class Meta:
        fields = [
            "code",
            "kind",
            "name_ar",
            "name_fr",
            "name_en",
            "population_2024",
            "households_2024",
            "reference_point",
        ]


class RegionSerializer(AreaSerializer):
    class Meta(AreaSerializer.Meta):
        model = Region


class ProvinceSerializer(AreaSerializer):
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta(AreaSerializer.Meta):
        model = Province
        fields = [*AreaSerializer.Meta.fields, "region"]


class CommuneSerializer(AreaSerializer):
    province = serializers.CharField(source="province.code", read_only=True)
    region = serializers.CharField(source="province.region.code", read_only=True)

    class Meta(AreaSerializer.Meta):
        model = Commune
        fields = [*AreaSerializer.Meta.fields, "province", "region"]


class SeatSerializer(serializers.Serializer):
    code = serializers.CharField(source="seat_code")
    name_ar = serializers.CharField(source="seat_name_ar")
    name_fr = serializers.CharField(source="seat_name_fr")
    name_en = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_name_en(self, place) -> str:
        return place.seat_name_en or place.seat_name_fr


class PlaceCommuneSerializer(serializers.Serializer):
    code = serializers.CharField(source="commune_code")
    name_ar = serializers.CharField(source="commune_name_ar")
    name_fr = serializers.CharField(source="commune_name_fr")
    name_en = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_name_en(self, place) -> str:
        return place.commune_name_en or place.commune_name_fr


class PlaceSerializer(serializers.ModelSerializer):
    name_en = serializers.SerializerMethodField()
    label = serializers.CharField(
        read_only=True,
        help_text="How to name the place, in the request's language: its name, a "
        "district's with its commune's (\"Maârif, Casablanca\").",
    )
    reference_point = PointField(read_only=True, allow_null=True)
    origin = PointField(
        read_only=True,
        allow_null=True,
        help_text="The point distances from this place are measured from: a commune's "
        "reference point, or that of the seat of a province or region.",
    )
    seat = serializers.SerializerMethodField(
        help_text="The seat of a province or region: the commune its origin is; null for a commune."
    )
    commune = serializers.SerializerMethodField(
        help_text="The commune a district belongs to; null for the other kinds."
    )
    bbox = BoundingBoxField(read_only=True, allow_null=True)
    matched = serializers.SerializerMethodField(
        help_text="The other name of the place the query matched (an exonym, an older "
        "spelling, a name in Tifinagh, from GeoNames): 'Tangier' for Tanger; null when "
        "the query matched an official name."
    )

    class Meta:
        model = Place
        fields = [
            "kind",
            "code",
            "name_ar",
            "name_fr",
            "name_en",
            "label",
            "matched",
            "population",
            "region_code",
            "province_code",
            "reference_point",
            "origin",
            "seat",
            "commune",
            "bbox",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_name_en(self, place) -> str:
        return place.name_en or place.name_fr

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_matched(self, place) -> str | None:
        return place.matched_name if getattr(place, "matched_alias", False) else None

    @extend_schema_field(SeatSerializer(allow_null=True))
    def get_seat(self, place) -> dict | None:
        return SeatSerializer(place).data if place.seat_code else None

    @extend_schema_field(PlaceCommuneSerializer(allow_null=True))
    def get_commune(self, place) -> dict | None:
        return PlaceCommuneSerializer(place).data if place.commune_code else None


class PlaceSearchParameters(serializers.Serializer):
    q = serializers.CharField(
        min_length=2,
        max_length=100,
        help_text="Place name in Arabic or French (accents, case, Arabic spelling variants "
        "and small typos do not matter).",
    )


class CoordinatesParameters(serializers.Serializer):
    lat = LatitudeField(help_text="Latitude in decimal degrees (WGS84), e.g. 34.024.")
    lon = LongitudeField(help_text="Longitude in decimal degrees (WGS84), e.g. -6.8225.")


class AreaReferenceSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    name_ar = serializers.CharField()
    name_fr = serializers.CharField()
    name_en = serializers.CharField(source="display_name_en")


class LocationSerializer(serializers.Serializer):
    """The district of a point, if its commune is divided into some, and its commune with
    the province and region it belongs to."""

    district = AreaReferenceSerializer(
        allow_null=True,
        help_text="The district (arrondissement) of the point in the six cities divided "
        "into districts; null elsewhere.",
    )
    commune = AreaReferenceSerializer()
    province = AreaReferenceSerializer(source="commune.province")
    region = AreaReferenceSerializer(source="commune.province.region")
