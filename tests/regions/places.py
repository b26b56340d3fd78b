"""Known places, as (longitude, latitude) GEOS points in SRID 4326."""

from django.contrib.gis.geos import Point


def point(lat: float, lon: float) -> Point:
    return Point(lon, lat, srid=4326)


HASSAN_TOWER_RABAT = point(34.0240, -6.8225)
TWIN_CENTER_CASABLANCA = point(33.5873, -7.6328)  # in the district of Maârif
IMLIL = point(31.1370, -7.9190)  # in the rural commune of Asni, Al Haouz
JEMAA_EL_FNA_MARRAKECH = point(31.6258, -7.9891)
DAKHLA = point(23.6848, -15.9580)
OUJDA = point(34.6814, -1.9086)
MADRID = point(40.4168, -3.7038)
ATLANTIC_OFF_CASABLANCA = point(33.70, -8.20)
