"""Centers API benchmark (`make bench`): ours against the floor and two ORM ways, at
10,000 and at 1,000,000 synthetic centers.

It builds a separate database (`<name>_bench` on the same server; never the demo one),
fills it with synthetic centers, starts the app under gunicorn with production settings,
and measures on loopback, side by side, with bounded request counts:

  (a) GET /api/v1/centers/?lat&lon&limit=10, and the same with radius_km=25;
  (b) the floor: the same nearest-10 as one SQL statement building the GeoJSON;
  (c) the common way: drf-gis GeoFeatureModelSerializer over Distance() ordering;
  (d) the fair ORM way: the same serializer over GeometryDistance (`<->`) ordering.

Each request asks from a different commune's reference point. It prints p50, p95 and
requests per second at 1 and 8 concurrent connections, the ratios the targets speak of,
and the EXPLAIN ANALYZE plans; with --profile N, where (a)'s time goes in N requests.

    .venv/bin/python benchmarks/api.py [--sizes 10000 1000000] [--requests 1000]
        [--port 8765] [--profile 500]
"""

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.chdir(PROJECT)


from benchmarks.databases import fresh_bench_database, grow_synthetic_centers, use_bench_database

# Everything below runs against the bench database, never the demo one.
use_bench_database("bench")

import django

django.setup()

from django.contrib.gis.geos import Point
from django.db import connection

from benchmarks.load_generator import Server, measure, served_environment
from benchmarks.views import FLOOR_SQL, CommonNearest, OrmNearest
from centers.filters import CenterSearchParameters
from centers.selectors import CenterSearch
from regions.models import Commune

CONCURRENCIES = (1, 8)
SERVED_SETTINGS = "benchmarks.api_settings"


def sample_points(count: int) -> list[tuple[float, float]]:
    """Reference points of communes, drawn with a fixed seed: (lat, lon)."""
    points = [(p.y, p.x) for p in Commune.objects.values_list("reference_point", flat=True)]
    random.Random(7).shuffle(points)  # noqa: S311 (a reproducible sample, not a secret)
    return points[:count]


OURS, RADIUS, FLOOR, COMMON, ORM = (
    "(a) ours nearest-10",
    "(a) ours radius 25 km",
    "(b) floor: one SQL statement",
    "(c) common: drf-gis + Distance()",
    "(d) ORM: drf-gis + GeometryDistance",
)


def scenario_paths(points) -> dict[str, list[str]]:
    return {
        OURS: [f"/api/v1/centers/?lat={a}&lon={o}&limit=10" for a, o in points],
        RADIUS: [f"/api/v1/centers/?lat={a}&lon={o}&limit=10&radius_km=25" for a, o in points],
        FLOOR: [f"/bench/floor/?lat={a}&lon={o}" for a, o in points],
        COMMON: [f"/bench/common/?lat={a}&lon={o}" for a, o in points],
        ORM: [f"/bench/orm/?lat={a}&lon={o}" for a, o in points],
    }


def explain(point: tuple[float, float]) -> tuple[str, bool]:
    """EXPLAIN ANALYZE of the four nearest-10 queries, and whether (d)'s plan walks the
    spatial index in `<->` order (rather than reading every center and sorting them)."""
    lat, lon = point
    here = Point(lon, lat, srid=4326)
    parameters = CenterSearchParameters(data={"lat": lat, "lon": lon, "limit": 10})
    parameters.is_valid(raise_exception=True)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + FLOOR_SQL, [lon, lat])
        floor = "\n".join(row[0] for row in cursor.fetchall())
    orm = OrmNearest.queryset_for(here).explain(analyze=True)
    orm_uses_index = (
        "Index Scan" in orm
        and "Order By: (public_location <->" in orm
        and "Seq Scan on centers_center" not in orm
        and "Sort Key" not in orm
    )
    text = "\n".join(
        [
            "--- (a) ours, nearest-10",
            CenterSearch(parameters.validated_data).explain(analyze=True),
            "--- (b) floor",
            floor,
            "--- (c) common",
            CommonNearest.queryset_for(here).explain(analyze=True),
            "--- (d) ORM",
            orm,
            "(d) walks the spatial index in <-> order (no Seq Scan, no Sort): "
            + ("yes" if orm_uses_index else "NO"),
        ]
    )
    return text, orm_uses_index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=1000, help="per scenario and level")
    parser.add_argument(
        "--common-requests", type=int, default=40, help="for (c), which scans the table"
    )
    parser.add_argument("--port", type=int, default=8765, help="gunicorn's, on 127.0.0.1")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        default=0,
        help="then N requests of (a) and (b) in one process, and of (a) under cProfile",
    )
    args = parser.parse_args()

    fresh_bench_database()
    print(f"Bench database: {connection.settings_dict['NAME']}")
    points = sample_points(500)

    results: dict[int, dict] = {}
    plans_use_index = []
    generated = 0
    for size in args.sizes:
        seconds = grow_synthetic_centers(size, generated)
        generated = size
        print(f"\n=== {size:,} centers (filled in {seconds:.0f} s)")
        results[size] = {}
        with Server(os.environ, args.port, SERVED_SETTINGS) as server:
            scenarios = scenario_paths(points)
            common = {COMMON: scenarios.pop(COMMON)}
            measure(args.port, scenarios, 2, 20)  # warm caches and connections
            measure(args.port, common, 1, 2)
            for concurrency in CONCURRENCIES:
                figures = measure(args.port, scenarios, concurrency, args.requests)
                figures |= measure(args.port, common, concurrency, args.common_requests)
                for name, numbers in figures.items():
                    results[size][(name, concurrency)] = numbers
            print_side_by_side(results[size])
            print(f"gunicorn memory: {server.memory_mb():.0f} MB")
        plans, orm_uses_index = explain(points[0])
        plans_use_index.append(orm_uses_index)
        print(plans)
        if args.profile:
            connection.close()
            paths = scenario_paths(points)
            profile({name: paths[name] for name in (OURS, FLOOR)}, args.profile, size)

    summarise(results, args.sizes, all(plans_use_index))


def print_side_by_side(figures: dict) -> None:
    """One line per scenario: p50, p95 (ms) and requests per second at each concurrency."""
    levels = [f"{n} connection{'s' if n > 1 else ''}" for n in CONCURRENCIES]
    print(" " * 36 + "".join(f" | {level:^23}" for level in levels) + " |")
    print(f"{'scenario':36}" + " |  p50 ms  p95 ms   req/s" * len(CONCURRENCIES) + " | errors")
    for name in [OURS, RADIUS, FLOOR, COMMON, ORM]:
        row = [figures[(name, n)] for n in CONCURRENCIES]
        cells = "".join(f" | {f['p50']:7.2f} {f['p95']:7.2f} {f['rps']:7.1f}" for f in row)
        print(f"{name:36}{cells} | {sum(f['errors'] for f in row):>6}")


def profile(scenarios: dict[str, list[str]], count: int, size: int) -> None:
    """Where (a)'s time goes, beside the floor's, measured in a process of its own under
    the served settings (benchmarks/api_profile.py), while nothing else runs."""
    print(f"\n--- where (a)'s time goes at {size:,} centers", flush=True)
    subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "api_profile.py"), str(count)],
        input=json.dumps(scenarios),
        text=True,
        env=served_environment(os.environ, SERVED_SETTINGS),
        check=True,
    )


def summarise(results: dict, sizes: list[int], orm_uses_index: bool) -> None:
    small, large = sizes[0], sizes[-1]

    def p50(size: int, name: str) -> float:
        return results[size][(name, 1)]["p50"]

    print("\n=== Targets (p50, 1 connection)")
    for size in sizes:
        print(
            f"{size:>9,} centers: (a)/(b) = {p50(size, OURS) / p50(size, FLOOR):.2f}"
            f"  (aim at 1,000,000: at most 1.15)"
            f"   (d)/(a) = {p50(size, ORM) / p50(size, OURS):.2f}  (aim: at least 2)"
        )
    print(
        f"{large:>9,} centers: (c)/(a) = {p50(large, COMMON) / p50(large, OURS):.0f}x faster"
        "  (aim: at least 50x)"
    )
    growth = p50(large, OURS) / p50(small, OURS)
    print(f"(a) p50 at {large:,} / at {small:,} = {growth:.2f}  (aim: at most 1.2)")
    print(f"(d) plans walk the spatial index: {'yes' if orm_uses_index else 'NO'}")
    failures = sum(figures["errors"] for size in results.values() for figures in size.values())
    print(f"errors: {failures}")
    if failures or not orm_uses_index:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
