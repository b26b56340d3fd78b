"""Centers API benchmark (`make bench`): ours against the floor and the common way, at
10,000 and at 1,000,000 synthetic centers.

It builds a separate database (`<name>_bench` on the same server; never the demo one),
fills it with synthetic centers, starts the app under gunicorn with production settings,
and measures on loopback, side by side, with bounded request counts:

  (a) GET /api/v1/centers/?lat&lon&limit=10, and the same with radius_km=25;
  (b) the floor: the same nearest-10 as one SQL statement building the GeoJSON;
  (c) the common way: drf-gis GeoFeatureModelSerializer over Distance() ordering.

Each request asks from a different commune's reference point. It prints p50, p95 and
requests per second at 1 and 8 concurrent connections, the ratios the targets speak of,
and the EXPLAIN ANALYZE plans.

    .venv/bin/python benchmarks/api.py [--sizes 10000 1000000] [--requests 1000]
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.chdir(PROJECT)


from benchmarks.databases import recreate_bench_database, use_bench_database

# Everything below runs against the bench database, never the demo one.
use_bench_database("bench")

import django

django.setup()

from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection

from benchmarks.load_generator import Server, measure
from benchmarks.views import FLOOR_SQL, CommonNearest
from centers.filters import CenterSearchParameters
from centers.selectors import CenterSearch
from regions.models import Commune

CONCURRENCIES = (1, 8)


def sample_points(count: int) -> list[tuple[float, float]]:
    """Reference points of communes, drawn with a fixed seed: (lat, lon)."""
    points = [(p.y, p.x) for p in Commune.objects.values_list("reference_point", flat=True)]
    random.Random(7).shuffle(points)  # noqa: S311 (a reproducible sample, not a secret)
    return points[:count]


OURS, RADIUS, FLOOR, COMMON = (
    "(a) ours nearest-10",
    "(a) ours radius 25 km",
    "(b) floor: one SQL statement",
    "(c) common: drf-gis + Distance()",
)


def scenario_paths(points) -> dict[str, list[str]]:
    return {
        OURS: [f"/api/v1/centers/?lat={a}&lon={o}&limit=10" for a, o in points],
        RADIUS: [f"/api/v1/centers/?lat={a}&lon={o}&limit=10&radius_km=25" for a, o in points],
        FLOOR: [f"/bench/floor/?lat={a}&lon={o}" for a, o in points],
        COMMON: [f"/bench/common/?lat={a}&lon={o}" for a, o in points],
    }


def explain(point: tuple[float, float]) -> str:
    """EXPLAIN ANALYZE of the three nearest-10 queries."""
    lat, lon = point
    parameters = CenterSearchParameters(data={"lat": lat, "lon": lon, "limit": 10})
    parameters.is_valid(raise_exception=True)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + FLOOR_SQL, [lon, lat])
        floor = "\n".join(row[0] for row in cursor.fetchall())
    common = CommonNearest(request=None).queryset_for(Point(lon, lat, srid=4326))
    return "\n".join(
        [
            "--- (a) ours, nearest-10",
            CenterSearch(parameters.validated_data).explain(analyze=True),
            "--- (b) floor",
            floor,
            "--- (c) common",
            common.explain(analyze=True),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=1000, help="per scenario and level")
    parser.add_argument(
        "--common-requests", type=int, default=40, help="for (c), which scans the table"
    )
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    recreate_bench_database()
    print(f"Bench database: {connection.settings_dict['NAME']}")
    call_command("migrate", no_input=True, verbosity=0)
    call_command("load_admin_areas", verbosity=0, stdout=io.StringIO())
    call_command("loaddata", "fixtures/categories.json", "fixtures/services.json", verbosity=0)
    points = sample_points(500)

    results: dict[int, dict] = {}
    generated = 0
    for size in args.sizes:
        started = time.monotonic()
        call_command("generate_synthetic_centers", count=size - generated, stdout=io.StringIO())
        generated = size
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE centers_center")
        print(f"\n=== {size:,} centers (filled in {time.monotonic() - started:.0f} s)")
        results[size] = {}
        connection.close()
        with Server(os.environ, args.port) as server:
            scenarios = scenario_paths(points)
            common = {COMMON: scenarios.pop(COMMON)}
            measure(args.port, scenarios, 2, 20)  # warm caches and connections
            measure(args.port, common, 1, 2)
            print(f"{'scenario':34} {'conns':>5} {'p50 ms':>9} {'p95 ms':>9} {'req/s':>8} errors")
            for concurrency in CONCURRENCIES:
                figures = measure(args.port, scenarios, concurrency, args.requests)
                figures |= measure(args.port, common, concurrency, args.common_requests)
                for name, numbers in figures.items():
                    results[size][(name, concurrency)] = numbers
                    print(
                        f"{name:34} {concurrency:>5} {numbers['p50']:9.2f} {numbers['p95']:9.2f} "
                        f"{numbers['rps']:8.1f} {numbers['errors']:>6}"
                    )
            print(f"gunicorn memory: {server.memory_mb():.0f} MB")
        print(explain(points[0]))

    summarise(results, args.sizes)


def summarise(results: dict, sizes: list[int]) -> None:
    small, large = sizes[0], sizes[-1]
    ours, floor, common = OURS, FLOOR, COMMON
    print("\n=== Targets (p50, 1 connection)")
    for size in sizes:
        a, b = results[size][(ours, 1)]["p50"], results[size][(floor, 1)]["p50"]
        print(f"{size:>9,} centers: (a)/(b) = {a / b:.2f}  (aim: at most 1.3)")
    a_large = results[large][(ours, 1)]["p50"]
    c_large = results[large][(common, 1)]["p50"]
    print(f"{large:>9,} centers: (c)/(a) = {c_large / a_large:.0f}x faster  (aim: at least 50x)")
    a_small = results[small][(ours, 1)]["p50"]
    print(f"(a) p50 at {large:,} / at {small:,} = {a_large / a_small:.2f}  (aim: at most 1.2)")
    failures = sum(figures["errors"] for size in results.values() for figures in size.values())
    print(f"errors: {failures}")
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
