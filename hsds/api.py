"""The directory in the HSDS 3 API's shapes (Open Referral's openapi.json, bundled in
hsds/schema/): paged lists of services, organizations, locations and services at
locations, each record by its id with what HSDS nests in it, and the tabular package.
The records are those of hsds/records.py; pages follow HSDS's `page` and `per_page`, and
give their neighbours in a Link header (RFC 8288, geo_directory/links.py)."""

import datetime
import math

from django.db import transaction
from django.http import FileResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from centers.models import Center
from centers.selectors import CenterSearch, last_public_change
from geo_directory.links import add_page_links
from geo_directory.parameters import WholeNumberField

from . import openapi, package, records, specification

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 10_000_000
TAG = "hsds"
PACKAGE_FILENAME = "social-centers-morocco-hsds.zip"
# Last-Modified of an empty directory.
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class PageParameters(serializers.Serializer):
    page = WholeNumberField(
        minimum=1,
        maximum=MAX_PAGE,
        required=False,
        default=1,
        help_text="Page number of paginated result (from 1, default 1).",
    )
    per_page = WholeNumberField(
        minimum=1,
        maximum=MAX_PER_PAGE,
        required=False,
        default=DEFAULT_PER_PAGE,
        help_text=f"Number of results requested in a single page (1-{MAX_PER_PAGE}, "
        f"default {DEFAULT_PER_PAGE}).",
    )


# One bound instance parses every request (as centers/filters.py): it keeps no state.
_PARSER = PageParameters()

_PAGE_PARAMETERS = [
    OpenApiParameter(
        name,
        OpenApiTypes.INT,
        description=str(field.help_text),
        examples=[OpenApiExample(name, value=example)],
    )
    for (name, field), example in zip(_PARSER.fields.items(), ("2", "50"), strict=True)
]
_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The record's HSDS identifier."
)
_NOT_FOUND = OpenApiResponse(description="No such record in the directory (problem document).")
_BAD_PAGE = OpenApiResponse(description="`page` or `per_page` was refused (problem document).")


def _list_schema(operation_id: str, item_file: str, description: str):
    return extend_schema(
        operation_id=operation_id,
        tags=[TAG],
        parameters=_PAGE_PARAMETERS,
        description=description,
        responses={
            200: OpenApiResponse(
                openapi.page(openapi.list_item(item_file)),
                description=f"An HSDS page; its items as in hsds/schema/{item_file}.",
            ),
            400: _BAD_PAGE,
        },
    )


def _detail_schema(operation_id: str, record_file: str, description: str):
    return extend_schema(
        operation_id=operation_id,
        tags=[TAG],
        parameters=[_ID],
        description=description,
        responses={
            200: OpenApiResponse(
                openapi.detail(record_file),
                description=f"As in hsds/schema/{record_file}.",
            ),
            404: _NOT_FOUND,
        },
    )


class _HsdsView(APIView):
    renderer_classes = [JSONRenderer]

    def page(self, request, *, total: int, items) -> Response:
        """A page of `total` records; `items(offset, limit)` gives those of a page that
        exists (a page beyond the last is empty)."""
        parameters = _PARSER.run_validation(request.query_params)
        number, per_page = parameters["page"], parameters["per_page"]
        total_pages = math.ceil(total / per_page)
        contents = items((number - 1) * per_page, per_page) if number <= total_pages else []
        response = Response(
            {
                "total_items": total,
                "total_pages": total_pages,
                "page_number": number,
                "size": len(contents),
                "first_page": number == 1,
                "last_page": number >= total_pages,
                "empty": not contents,
                "contents": contents,
            }
        )
        previous = min(number - 1, total_pages)
        add_page_links(
            response,
            next=self._link(request, number + 1) if number < total_pages else None,
            previous=self._link(request, previous) if previous >= 1 else None,
        )
        return _last_modified(response, last_public_change() or _EPOCH)

    def _link(self, request, number: int) -> str:
        return replace_query_param(request.build_absolute_uri(), "page", number)


def _last_modified(response, moment: datetime.datetime):
    response["Last-Modified"] = http_date(moment.timestamp())
    return response


def _centers_page(record):
    """The number of listed centers, and `items` of a page of them, each given as
    `record(center)`."""
    centers = records.listed_centers()

    def items(offset: int, limit: int) -> list[dict]:
        return [record(center) for center in centers[offset : offset + limit]]

    return centers.count(), items


def _center(kind: str, identifier) -> Center:
    """The listed center whose record of this kind has this id, with its details."""
    center_id = records.center_id_of(kind, identifier)
    center = None
    if center_id is not None:
        center = records.with_details(records.listed_centers().filter(pk=center_id)).first()
    if center is None:
        raise NotFound
    return center


def _record(body: dict, center: Center) -> Response:
    return _last_modified(Response(body), center.public_updated_at)


class RootView(_HsdsView):
    @extend_schema(
        operation_id="getAPIMetaInformation",
        tags=[TAG],
        description="Information about this API and its relationship with HSDS.",
        responses={
            200: OpenApiResponse(
                specification.schema("openapi.json")["paths"]["/"]["get"]["responses"]["200"][
                    "content"
                ]["application/json"]["schema"]
            )
        },
    )
    def get(self, request):
        return Response(
            {
                "version": specification.VERSION,
                "openapi_url": request.build_absolute_uri(reverse("api-schema")) + "?format=json",
            }
        )


class ServicesView(_HsdsView):
    @_list_schema(
        "getPaginatedListOfServices",
        "compiled/service_list.json",
        "The services: one for each listed center, with its organization.",
    )
    def get(self, request):
        total, items = _centers_page(records.service_item)
        return self.page(request, total=total, items=items)


class ServiceView(_HsdsView):
    @_detail_schema(
        "getFullyNestedServiceById",
        "service.json",
        "A service with its organization, phones, schedules, attributes (category and "
        "services, with their taxonomy terms), and its service_at_location with its "
        "location, address and accessibility.",
    )
    def get(self, request, id):
        center = _center(records.SERVICE, id)
        return _record(records.service_detail(center), center)


class OrganizationsView(_HsdsView):
    @_list_schema(
        "getPaginatedListOfOrganizations",
        "compiled/organization_list.json",
        "The managing organisations of the listed centers, by name; one organization "
        "stands for the centers whose managing body is not recorded.",
    )
    def get(self, request):
        keys = records.organization_keys()

        def items(offset: int, limit: int) -> list[dict]:
            return [records.organization(key) for key in keys[offset : offset + limit]]

        return self.page(request, total=keys.count(), items=items)


class OrganizationView(_HsdsView):
    @_detail_schema(
        "getOrganizationById",
        "organization.json",
        "An organization with the services it manages (`services`: id, name, status).",
    )
    def get(self, request, id):
        key = records.organization_key_of(id)
        if key is None:
            raise NotFound
        centers = list(records.organization_services(key))
        if not centers:  # its last center left since its key was read
            raise NotFound
        response = Response(records.organization_detail(key, centers))
        return _last_modified(response, max(center.public_updated_at for center in centers))


class LocationsView(_HsdsView):
    @_list_schema(
        "getPaginatedListOfLocations",
        "location.json",
        "The locations: the public position of each listed center (for a sensitive "
        "category, its commune's reference point). Not in HSDS's API template.",
    )
    def get(self, request):
        total, items = _centers_page(records.location)
        return self.page(request, total=total, items=items)


class LocationView(_HsdsView):
    @_detail_schema(
        "getLocationById",
        "location.json",
        "A location with its address (none for a sensitive category) and accessibility. "
        "Not in HSDS's API template.",
    )
    def get(self, request, id):
        center = _center(records.LOCATION, id)
        return _record(records.location_detail(center), center)


class ServiceAtLocationsView(_HsdsView):
    @_list_schema(
        "getPaginatedListOfServiceAtLocation",
        "compiled/service_at_location_list.json",
        "The services at locations, each with its service and location.",
    )
    def get(self, request):
        total, items = _centers_page(records.service_at_location)
        return self.page(request, total=total, items=items)


class ServiceAtLocationView(_HsdsView):
    @_detail_schema(
        "getServiceAtLocationWithNestedDataById",
        "service_at_location.json",
        "A service at a location with its service and its location, address and accessibility.",
    )
    def get(self, request, id):
        center = _center(records.SERVICE_AT_LOCATION, id)
        return _record(records.service_at_location_detail(center), center)


class ZipRenderer(BaseRenderer):
    """Chooses the zip; the view sends the file itself. Errors are written as JSON."""

    media_type = "application/zip"
    format = "zip"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, accepted_media_type, renderer_context)


class PackageView(APIView):
    renderer_classes = [ZipRenderer]

    @extend_schema(
        operation_id="getTabularPackage",
        tags=[TAG],
        description="Every HSDS table of the directory as CSV (organizations.csv, "
        "services.csv, locations.csv, addresses.csv, …) with a datapackage.json "
        "describing them (Frictionless Data Package), in a zip built on each request.",
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request):
        modified = last_public_change() or _EPOCH
        # Known before the package is built, so that a copy still current costs no build:
        # the listed centers' state (centers/selectors.py) and the language of the
        # directory's own texts.
        etag = f'W/"{CenterSearch({}).version(of=package.written_as(get_language()))}"'
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=int(modified.timestamp())
        )
        if not_modified is not None:
            return not_modified
        # One snapshot for every table, read through cursors that a transaction keeps
        # (outside one, each would first be filled whole, beyond the public time limit
        # at national scale).
        with transaction.atomic():
            file = package.package_file(centers=records.listed_centers(), modified=modified)
        response = FileResponse(
            file, as_attachment=True, filename=PACKAGE_FILENAME, content_type="application/zip"
        )
        response["ETag"] = etag
        return _last_modified(response, modified)
