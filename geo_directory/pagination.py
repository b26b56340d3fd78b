"""The one convention of the API's lists: an envelope (`count`, `next`, `previous`,
`results`), pages chosen by `limit` and `offset`, the neighbouring pages also in the
`Link` header, and a bad `limit` or `offset` refused with a 400 naming it (DRF's own
pagination would quietly fall back to its default).

The centers list keeps its own page logic (centers/api.py: a nearest-first search has no
count, a sync goes on from a cursor) within the same convention."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from .links import add_page_links
from .parameters import ParameterError, whole_number

MAX_OFFSET = 100_000


class DirectoryPagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 500

    def get_limit(self, request):
        return self._read(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._read(request, self.offset_query_param, 0, MAX_OFFSET, 0)

    def _read(self, request, name: str, minimum: int, maximum: int, default: int) -> int:
        text = request.query_params.get(name)
        if text is None or text == "":
            return default
        try:
            return whole_number(text, minimum=minimum, maximum=maximum)
        except ParameterError as error:
            raise ValidationError({name: [error.message]}) from None

    def envelope(self, results) -> dict:
        return {
            "count": self.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": results,
        }

    def linked(self, response: Response) -> Response:
        """The response with its neighbouring pages in the Link header."""
        return add_page_links(
            response, next=self.get_next_link(), previous=self.get_previous_link()
        )

    def get_paginated_response(self, data):
        return self.linked(Response(self.envelope(data)))

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["required"] = ["count", "next", "previous", "results"]
        return page

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["description"] = (
                    f"Number of results per page (1-{self.max_limit}, default "
                    f"{self.default_limit})."
                )
                parameter["schema"].update(minimum=1, maximum=self.max_limit)
            else:
                parameter["schema"].update(minimum=0, maximum=MAX_OFFSET)
        return parameters


class PlacePagination(DirectoryPagination):
    # A place search wants the few best names, as someone types.
    default_limit = 10
    max_limit = 50
