"""The references the centers API is measured against (never part of the site).

- floor: the same nearest-10 question as one SQL statement that builds the whole GeoJSON
  answer in the database (with the same per-center function the API uses), served by a
  bare Django view;
- common: what GeoDjango tutorials do, a drf-gis GeoFeatureModelSerializer over
  `annotate(distance=Distance(...)).order_by("distance")[:10]`, which computes the
  distance to every center before sorting, and reads the areas' boundaries along;
- orm: the fair ORM way, the same serializer over `CenterQuerySet.nearest()`, ordered by
  `GeometryDistance` (`<->`, which the spatial index serves) with the true `Distance` in
  metres annotated on the ten it returns, and without the areas' boundaries.
"""

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db import connection
from django.http import HttpResponse
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from centers.models import Center

# The boundaries of a center's region, province and commune: megabytes a row, which the
# serializer does not need (it gives their codes).
AREA_BOUNDARIES = [
    f"{area}__{boundary}"
    for area in ("region", "province", "commune")
    for boundary in ("geom", "geom_simplified")
]

FLOOR_SQL = """
SELECT json_build_object(
           'type', 'FeatureCollection',
           'features', coalesce(json_agg(feature::json ORDER BY distance), '[]')
       )::text
  FROM (
    SELECT center_geojson_feature(
               c, round(ST_Distance(c.public_location, here.point))::int, false) AS feature,
           c.public_location <-> here.point AS distance
      FROM centers_center c,
           (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS point) here
     WHERE NOT c.archived AND c.status IN ('open', 'temporarily_closed')
     ORDER BY c.public_location <-> here.point
     LIMIT 10
  ) nearest
"""


def floor_nearest(request):
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [float(request.GET["lon"]), float(request.GET["lat"])])
        (body,) = cursor.fetchone()
    return HttpResponse(body, content_type="application/geo+json")


class CommonSerializer(GeoFeatureModelSerializer):
    category = serializers.CharField(source="category.code")
    region = serializers.CharField(source="region.code")
    province = serializers.CharField(source="province.code")
    commune = serializers.CharField(source="commune.code")
    updated_at = serializers.DateTimeField(source="public_updated_at")
    distance_m = serializers.SerializerMethodField()

    class Meta:
        model = Center
        geo_field = "public_location"
        fields = [
            "id",
            "slug",
            "name_ar",
            "name_fr",
            "name_en",
            "category",
            "status",
            "public_location_precision",
            "region",
            "province",
            "commune",
            "phones",
            "updated_at",
            "archived",
            "distance_m",
        ]

    def get_distance_m(self, center) -> int:
        return round(center.distance.m)


class CommonNearest(ListAPIView):
    serializer_class = CommonSerializer
    pagination_class = None

    def get_queryset(self):
        here = Point(float(self.request.GET["lon"]), float(self.request.GET["lat"]), srid=4326)
        return self.queryset_for(here)

    @staticmethod
    def queryset_for(here: Point):
        return (
            Center.objects.listed()
            .select_related("category", "region", "province", "commune")
            .annotate(distance=Distance("public_location", here))
            .order_by("distance")[:10]
        )


class OrmSerializer(CommonSerializer):
    def get_distance_m(self, center) -> int:
        return round(center.distance_m.m)


class OrmNearest(CommonNearest):
    serializer_class = OrmSerializer

    @staticmethod
    def queryset_for(here: Point):
        return (
            Center.objects.listed()
            .select_related("category", "region", "province", "commune")
            .defer(*AREA_BOUNDARIES)
            .nearest(here, k=10)
        )
