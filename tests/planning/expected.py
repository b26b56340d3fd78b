"""Expected figures computed the slow, obvious way, independently of planning/: every
center against every commune (no index, no `<->`, no stored table), then plain Python
for the means and shares."""

import math

from django.db import connection

from regions.models import Commune

# WGS84 ellipsoid: semi-major axis (m) and flattening.
WGS84_A = 6_378_137.0
WGS84_F = 1 / 298.257223563
# Mean Earth radius (m), for the distance on a sphere.
MEAN_RADIUS = 6_371_008.8


def nearest_distances(category, codes: list[str] | None = None) -> dict:
    """{commune code: (population, metres to the nearest open, listed center of the
    category's public positions, or None)} for the communes `codes` (default: all)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT m.code, m.population_2024,
                   min(ST_Distance(c.public_location, m.reference_point::geography))
              FROM regions_commune m
              LEFT JOIN centers_center c
                ON c.category_id = %s AND c.status = 'open' AND NOT c.archived
             WHERE %s::text[] IS NULL OR m.code = ANY(%s::text[])
             GROUP BY m.code, m.population_2024
            """,
            [category.pk, codes, codes],
        )
        return {code: (population, distance) for code, population, distance in cursor.fetchall()}


def communes_of(**filters) -> list[str]:
    return list(Commune.objects.filter(**filters).values_list("code", flat=True))


def figures(distances: dict, codes: list[str], centers_count: int) -> dict:
    """The indicators of the communes `codes`, from `nearest_distances`."""
    rows = [distances[code] for code in codes]
    population = sum(people for people, _distance in rows)
    reached = [(people, distance) for people, distance in rows if distance is not None]
    reached_population = sum(people for people, _distance in reached)

    def beyond(metres):
        return sum(people for people, distance in rows if distance is None or distance > metres)

    return {
        "population": population,
        "centers_count": centers_count,
        "centers_per_100k": centers_count * 100_000 / population,
        "mean_distance_m": sum(people * distance for people, distance in reached)
        / reached_population
        if reached_population
        else None,
        "population_beyond_20km": beyond(20_000),
        "population_beyond_50km": beyond(50_000),
        "share_beyond_20km": beyond(20_000) / population,
        "share_beyond_50km": beyond(50_000) / population,
    }


def meridian_arc(latitude_from: float, latitude_to: float, steps: int = 10_000) -> float:
    """Metres along a meridian of the WGS84 ellipsoid between two latitudes (degrees):
    the geodesic distance between two points of the same longitude. Simpson's rule on
    the meridional radius of curvature M(φ) = a(1 - e²) / (1 - e² sin² φ)^(3/2)."""
    e2 = WGS84_F * (2 - WGS84_F)
    start, end = math.radians(latitude_from), math.radians(latitude_to)
    step = (end - start) / steps

    def radius(phi):
        return WGS84_A * (1 - e2) / (1 - e2 * math.sin(phi) ** 2) ** 1.5

    total = radius(start) + radius(end)
    for i in range(1, steps):
        total += (4 if i % 2 else 2) * radius(start + i * step)
    return abs(total * step / 3)


def sphere_arc(latitude_from: float, latitude_to: float) -> float:
    """The same arc on a sphere of the mean Earth radius."""
    return MEAN_RADIUS * abs(math.radians(latitude_to - latitude_from))
