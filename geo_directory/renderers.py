"""Renderers for answers the database has already written (JSON and GeoJSON text), and
CSV. Errors, which are Python dictionaries, are written as JSON by all of them."""

from rest_framework.renderers import BaseRenderer, JSONRenderer


class PrerenderedJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        if isinstance(data, str):
            return data.encode()
        return super().render(data, accepted_media_type, renderer_context)


class GeoJSONRenderer(PrerenderedJSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class CSVRenderer(BaseRenderer):
    """Chooses the CSV format; the view streams the rows itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, accepted_media_type, renderer_context)
