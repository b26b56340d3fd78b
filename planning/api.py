"""Coverage of the territory in the public API: for one category, how far the people of
each region, province or commune live from the nearest open center."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from geo_directory.pagination import DirectoryPagination

from .indicators import Level, coverage_by_area, holding, national_coverage
from .serializers import (
    AreaCoverageSerializer,
    CommuneCoverageSerializer,
    CoverageFiguresSerializer,
    CoveragePageSerializer,
    CoverageParameters,
)


def _documented_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "category",
            OpenApiTypes.STR,
            required=True,
            description=str(CoverageParameters().fields["category"].help_text),
            examples=[OpenApiExample("disability", value="disability")],
        ),
        OpenApiParameter(
            "level",
            OpenApiTypes.STR,
            required=True,
            enum=Level.values,
            description=str(CoverageParameters().fields["level"].help_text),
            examples=[OpenApiExample("province", value="province")],
        ),
        OpenApiParameter(
            "limit",
            OpenApiTypes.INT,
            description="Rows per page (default 100, at most 500).",
            examples=[OpenApiExample("limit", value=100)],
        ),
        OpenApiParameter(
            "offset",
            OpenApiTypes.INT,
            description="Rows to skip.",
            examples=[OpenApiExample("offset", value=100)],
        ),
    ]


class CoverageViewSet(viewsets.ViewSet):
    """How far people live from the nearest open center of a category, by region,
    province or commune."""

    @extend_schema(
        parameters=_documented_parameters(),
        responses={
            200: CoveragePageSerializer,
            400: OpenApiResponse(
                description="A missing or refused category or level (problem document "
                "naming the parameter)."
            ),
        },
    )
    def list(self, request, format=None):
        """Coverage of the territory for one category: for each region, province or
        commune, its population, open centers (and per 100,000 inhabitants), the
        population-weighted mean distance to the nearest open center in kilometres, and
        the shares of the population beyond 20 and 50 km; the most underserved first.

        Distances run from each commune's reference point to the nearest open center's
        public position, as of `refreshed_at`. `directory` says how many centers of the
        category the directory lists against the national total known: distances are
        measured to listed centers only."""
        parameters = CoverageParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        category = parameters.validated_data["category"]
        level = parameters.validated_data["level"]
        national = national_coverage(category)
        # Regions (12) and provinces (75) fit in the first page; communes (1,503) take pages.
        paginator = DirectoryPagination()
        page = paginator.paginate_queryset(coverage_by_area(level, category), request, view=self)
        rows = CommuneCoverageSerializer if level == Level.COMMUNE else AreaCoverageSerializer
        return paginator.linked(
            Response(
                {
                    "category": category.code,
                    "level": level,
                    "refreshed_at": national["refreshed_at"],
                    "directory": holding(category),
                    "national": CoverageFiguresSerializer(national).data,
                    **paginator.envelope(rows(page, many=True).data),
                }
            )
        )
