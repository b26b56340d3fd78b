"""The public centers API. What it reads is centers/selectors.py, in the shape of
centers/public_shape.py; the site's pages are in public_site/."""

import csv
import datetime
import json

from django.http import StreamingHttpResponse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from geo_directory.links import add_page_links
from geo_directory.parameters import LatitudeField, LongitudeField, WholeNumberField
from geo_directory.renderers import CSVRenderer, GeoJSONRenderer, PrerenderedJSONRenderer

from . import public_shape, selectors
from .filters import CenterSearchParameters, parse_search_parameters
from .selectors import CenterSearch, Page
from .serializers import CenterDetailSerializer
from .sheets import quote_formula

PARAMETER_EXAMPLES = {
    "lat": "34.0209",
    "lon": "-6.8416",
    "radius_km": "25",
    "limit": "10",
    "offset": "20",
    "category": "disability,women",
    "service": "legal-aid",
    "accessibility": "step-free-access",
    "status": "open",
    "region": "04",
    "province": "04.421",
    "commune": "04.421.01.0",
    "bbox": "-7.0,33.9,-6.7,34.1",
    "q": "تطوان",
    "modified_since": "2026-01-01T00:00:00Z",
    "cursor": "MTIzNDUuNjc",
}


def _parameter_type(field):
    """The schema type of a query parameter: integers are integers, numbers numbers."""
    if isinstance(field, WholeNumberField):
        return OpenApiTypes.INT
    if isinstance(field, LatitudeField | LongitudeField | serializers.FloatField):
        return OpenApiTypes.NUMBER
    return OpenApiTypes.STR


def _documented_parameters():
    parameters = []
    for name, field in CenterSearchParameters().fields.items():
        parameters.append(
            OpenApiParameter(
                name,
                _parameter_type(field),
                description=str(field.help_text),
                examples=[OpenApiExample(name, value=PARAMETER_EXAMPLES[name])],
            )
        )
    parameters.append(
        OpenApiParameter(
            "format",
            OpenApiTypes.STR,
            enum=["json", "geojson", "csv"],
            description="json (default; pages of `limit`, 20 by default), geojson (an "
            "RFC 7946 FeatureCollection) or csv. GeoJSON and CSV without `limit` are the "
            "whole export: every matching center in one streamed response, with an ETag "
            "(send it back in If-None-Match: 304 while nothing changed) and the exact "
            "`count` at the end of the collection; with `limit`, they come in pages "
            "like JSON. Every answer states its statuses (`statuses`, and the header "
            "Center-Statuses).",
        )
    )
    return parameters


class CenterViewSet(viewsets.ReadOnlyModelViewSet):
    """Social centers: nearest first, within a radius, by region, category, service or
    text; in JSON, GeoJSON or CSV. Positions of sensitive categories are their commune's
    reference point."""

    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"
    # Its pages are its own (`list`): nearest-first, cursor and whole exports.
    pagination_class = None
    renderer_classes = [PrerenderedJSONRenderer, GeoJSONRenderer, CSVRenderer]
    serializer_class = CenterDetailSerializer

    def get_queryset(self):
        return selectors.published_with_details()

    @extend_schema(
        parameters=_documented_parameters(),
        responses={
            # Their schemas are the declared shapes (public_shape.add_schema_components).
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
            (200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, streamed."),
            400: OpenApiResponse(description="A parameter was refused (problem document)."),
        },
    )
    def list(self, request, *args, **kwargs):
        search = CenterSearch(parse_search_parameters(request.query_params))
        response_format = request.accepted_renderer.format
        # GeoJSON and CSV without a limit are the whole export; JSON and syncs come in
        # pages.
        whole = response_format != "json" and "limit" not in search.parameters
        whole = whole and not search.syncing
        _refuse_what_the_format_cannot_give(request, search, response_format, whole=whole)
        if response_format == "csv":
            response = self._csv(search, paged=not whole)
        elif whole:
            response = self._whole_geojson(search)
        else:
            return self._page(search, geojson=response_format == "geojson")
        # Known before the rows are read, so that a copy that is still current costs
        # no export (ConditionalGetMiddleware answers 304).
        response["ETag"] = f'W/"{search.version(of=response_format)}"'
        response["Last-Modified"] = http_date(_last_change().timestamp())
        return self._stating_statuses(response, search)

    def _page(self, search: CenterSearch, *, geojson: bool) -> Response:
        page = search.page(geojson=geojson)
        if search.syncing:
            # A sync goes on from its cursor: an offset would skip a record that changed
            # while it ran.
            next_page = self._cursor_link(page.sync_cursor) if _has_more(page, search) else None
            previous_page = None
        else:
            next_page, previous_page = self._neighbours(search, more=_has_more(page, search))
        envelope = {"count": page.count, "next": next_page, "previous": previous_page}
        envelope["statuses"] = search.statuses
        if search.syncing:
            envelope["sync_cursor"] = page.sync_cursor
        if page.beyond_radius:
            envelope["beyond_radius"] = True
            envelope["detail"] = _(
                "No center within %(radius)s km: the nearest ones beyond are listed."
            ) % {"radius": f"{search.radius_km:g}"}
        response = Response(_envelope(envelope, page.items, geojson=geojson))
        last_change = page.last_change or _last_change().timestamp()
        response["Last-Modified"] = http_date(last_change)
        add_page_links(response, next=next_page, previous=previous_page)
        return self._stating_statuses(response, search)

    def _stating_statuses(self, response, search: CenterSearch):
        response[public_shape.STATUSES_HEADER] = ", ".join(search.statuses)
        return response

    def _neighbours(self, search: CenterSearch, *, more: bool) -> tuple[str | None, str | None]:
        """The addresses of the next page (when there are more) and the previous one, of
        a page chosen by offset."""
        next_page = self._link(search.offset + search.limit) if more else None
        previous_page = self._link(max(search.offset - search.limit, 0)) if search.offset else None
        return next_page, previous_page

    def _link(self, offset: int) -> str:
        url = self.request.build_absolute_uri()
        if offset:
            return replace_query_param(url, "offset", offset)
        return remove_query_param(url, "offset")

    def _cursor_link(self, cursor: str) -> str:
        url = remove_query_param(self.request.build_absolute_uri(), "offset")
        return replace_query_param(url, "cursor", cursor)

    def _whole_geojson(self, search: CenterSearch) -> StreamingHttpResponse:
        statement, params = search.whole_statement(geojson=True)
        head = json.dumps(
            {
                "type": "FeatureCollection",
                "statuses": search.statuses,
                "next": None,
                "previous": None,
            }
        )

        def parts():
            yield head[:-1] + ', "features": ['
            count = 0
            for (feature,) in selectors.stream(statement, params):
                yield ("," if count else "") + feature
                count += 1
            # Counted as written: the number of features of this very answer.
            yield f'], "count": {count}}}'

        response = StreamingHttpResponse(parts(), content_type=GeoJSONRenderer.media_type)
        response["Content-Disposition"] = 'inline; filename="centers.geojson"'
        return response

    def _csv(self, search: CenterSearch, *, paged: bool) -> StreamingHttpResponse:
        statement, params = search.csv_rows(paged=paged)
        headers = search.csv_headers()
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff" + writer.writerow(headers)
            for row in selectors.stream(statement, params):
                yield writer.writerow(_csv_cells(row))

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="centers.csv"'
        if paged:
            more = search.offset + search.limit < search.exact_count()
            next_page, previous_page = self._neighbours(search, more=more)
            add_page_links(response, next=next_page, previous=previous_page)
        return response

    @extend_schema(
        responses={
            200: CenterDetailSerializer,
            404: OpenApiResponse(description="No such center, or archived."),
        }
    )
    def retrieve(self, request, *args, **kwargs):
        center = self.get_object()
        response = Response(self.get_serializer(center).data)
        response["Last-Modified"] = http_date(center.public_updated_at.timestamp())
        return response


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def _csv_cells(row) -> list:
    """Text is quoted as in the staff's sheets, so that a name such as `=WEBSERVICE(…)`
    is no formula, and a phone number `+212…` keeps its plus rather than turn into a
    sum; numbers, dates and yes/no cannot be one and are written as they are."""
    cells = []
    for value in row:
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, str):
            value = quote_formula(value)
        cells.append(value)
    return cells


def _refuse_what_the_format_cannot_give(request, search, response_format, *, whole: bool):
    if response_format == "csv" and search.syncing:
        raise ValidationError(
            {"format": [_("A sync comes in pages of JSON or GeoJSON: ask for one of them.")]}
        )
    if whole and "offset" in request.query_params:
        raise ValidationError(
            {
                "offset": [
                    _("An offset needs a limit: without one, GeoJSON and CSV give every center.")
                ]
            }
        )


def _has_more(page: Page, search: CenterSearch) -> bool:
    if page.count is None or search.syncing:
        return len(page.items) == search.limit
    return not page.beyond_radius and search.offset + len(page.items) < page.count


def _envelope(envelope: dict, items: list[str], *, geojson: bool) -> str:
    """The response around the database-built items; items are joined, not re-parsed."""
    head = json.dumps(
        {"type": "FeatureCollection", **envelope} if geojson else envelope, ensure_ascii=False
    )
    key = "features" if geojson else "results"
    return f'{head[:-1]}, "{key}": [{",".join(items)}]}}'


def _last_change():
    """When anything public in the directory last changed: the Last-Modified of every list."""
    return selectors.last_public_change() or _EPOCH


# Last-Modified of an empty directory.
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
