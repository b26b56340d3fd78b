"""How the API chooses the format of an answer.

A format asked for by name (`?format=geojson`) is the answer's format, whatever the
request's Accept header says: GIS clients (GDAL, and so QGIS) send
`Accept: text/plain, application/json` to any address, and DRF's own negotiation answers
them 406. A format the view does not offer is a 400 problem naming `format`. Without
`format`, Accept decides, as usual.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class FormatFirstNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        parameter = self.settings.URL_FORMAT_OVERRIDE
        asked = format_suffix or (parameter and request.query_params.get(parameter))
        if not asked:
            return super().select_renderer(request, renderers, format_suffix)
        for renderer in renderers:
            if renderer.format == asked:
                return renderer, renderer.media_type
        offered = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
        raise ValidationError(
            {
                parameter: [
                    _("Unknown format %(format)s: use %(formats)s.")
                    % {"format": asked, "formats": offered}
                ]
            }
        )
