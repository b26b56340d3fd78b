"""Which street tiles a map may load (see MAP_TILES_URL in the settings)."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Tiles:
    url: str
    attribution: str


def tiles_for(*, sensitive: bool) -> Tiles | None:
    """The tile server a map may ask, or None: only one the operator configured, and on a
    sensitive page only one the operator declared its own (MAP_TILES_OPERATOR_OWNED), since
    a tile server learns which areas the map shows."""
    if not settings.MAP_TILES_URL:
        return None
    if sensitive and not settings.MAP_TILES_OPERATOR_OWNED:
        return None
    return Tiles(settings.MAP_TILES_URL, settings.MAP_TILES_ATTRIBUTION)
