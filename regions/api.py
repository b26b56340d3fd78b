"""The public API of the administrative areas: regions, provinces and communes, the
gazetteer (with the districts of the six largest cities), and the simplified boundaries as
GeoJSON (regions/urls.py)."""

from django.contrib.gis.geos import Point
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from geo_directory.pagination import PlacePagination
from geo_directory.problems import OutsideMorocco
from geo_directory.renderers import GeoJSONRenderer, PrerenderedJSONRenderer

from .filters import CommuneFilter, ProvinceFilter
from .models import Commune, District, Place, Province, Region
from .serializers import (
    CommuneSerializer,
    CoordinatesParameters,
    LocationSerializer,
    PlaceSearchParameters,
    PlaceSerializer,
    ProvinceSerializer,
    RegionSerializer,
)

GEOJSON_CONTENT_TYPE = "application/geo+json"
# Boundaries change only when the administrative areas are reloaded.
BOUNDARIES_MAX_AGE = 60 * 60 * 24


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The 12 regions of Morocco."""

    queryset = Region.objects.without_boundaries()
    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{2}"


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces and prefectures, optionally of one region."""

    queryset = Province.objects.without_boundaries("region").select_related("region")
    serializer_class = ProvinceSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{2}\.\d{3}"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProvinceFilter


class CommuneViewSet(viewsets.ReadOnlyModelViewSet):
    """Communes, optionally of one province or region; paginated with limit and offset."""

    queryset = Commune.objects.without_boundaries("province", "province__region").select_related(
        "province__region"
    )
    serializer_class = CommuneSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{2}\.\d{3}\.\d{2}\.\d{1,2}"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommuneFilter


class PlaceViewSet(viewsets.ViewSet):
    """The gazetteer: find a region, province, commune or district by name, or by a point."""

    pagination_class = PlacePagination

    @extend_schema(parameters=[PlaceSearchParameters], responses=PlaceSerializer(many=True))
    def list(self, request, format=None):
        """Places matching a name in Arabic or French: exact names first, then names
        starting with it, then close spellings; among names that match equally, the
        smallest unit first (a district, a town, then the province or region named after
        it); larger populations first. Each gives its origin, the point distances from
        it are measured from: a province's or region's is its seat's; and its label, a
        district's with its commune ("Maârif, Casablanca")."""
        parameters = PlaceSearchParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        paginator = self.pagination_class()
        places = paginator.paginate_queryset(
            Place.objects.search(parameters.validated_data["q"]), request, view=self
        )
        return paginator.get_paginated_response(PlaceSerializer(places, many=True).data)

    @extend_schema(
        parameters=[CoordinatesParameters],
        responses={
            200: LocationSerializer,
            404: OpenApiResponse(description="The point is outside Morocco."),
        },
    )
    @action(detail=False)
    def locate(self, request, format=None):
        """The district (in the six cities divided into districts, else null), commune,
        province and region containing a point."""
        parameters = CoordinatesParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        point = Point(parameters.validated_data["lon"], parameters.validated_data["lat"], srid=4326)
        commune = Commune.objects.without_boundaries().at(point)
        if commune is None:
            raise OutsideMorocco
        district = District.objects.without_boundaries().filter(commune=commune).containing(point)
        location = {"district": district.first(), "commune": commune}
        return Response(LocationSerializer(location).data)


class GeoJSONView(APIView):
    """Base for boundary collections: GeoJSON built by the database, cached by clients."""

    renderer_classes = [GeoJSONRenderer, PrerenderedJSONRenderer]
    properties = ("name_ar", "name_fr", "name_en")

    def geojson_response(self, areas) -> HttpResponse:
        response = HttpResponse(
            areas.boundaries_geojson(*self.properties), content_type=GEOJSON_CONTENT_TYPE
        )
        response["Cache-Control"] = f"public, max-age={BOUNDARIES_MAX_AGE}"
        return response


class RegionBoundariesView(GeoJSONView):
    @extend_schema(
        operation_id="regions_boundaries",
        responses={(200, GEOJSON_CONTENT_TYPE): OpenApiTypes.OBJECT},
        description="The 12 regions' simplified boundaries as an RFC 7946 FeatureCollection.",
    )
    def get(self, request):
        return self.geojson_response(Region.objects.all())


class ProvinceBoundariesView(GeoJSONView):
    @extend_schema(
        operation_id="regions_provinces_boundaries",
        responses={(200, GEOJSON_CONTENT_TYPE): OpenApiTypes.OBJECT},
        description="Simplified boundaries of a region's provinces and prefectures "
        "as an RFC 7946 FeatureCollection.",
    )
    def get(self, request, code):
        region = get_object_or_404(Region.objects.without_boundaries(), code=code)
        return self.geojson_response(Province.objects.filter(region=region))
