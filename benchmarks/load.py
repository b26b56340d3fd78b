"""Load test (`make loadtest`): the production app under gunicorn, on the directory's own
database (read only), with 8 clients for 60 seconds on loopback. The requests mix what
families do: nearest-first searches, place searches, center pages and region pages.

It prints requests per second, p50, p95 and p99 per kind and in all, the error count
(which must be zero) and the app's memory at the start and at the end.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--clients 8]
"""

import argparse
import os
import random
import statistics
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo_directory.settings.base")
if "DATABASE_URL" not in os.environ:
    raise SystemExit("DATABASE_URL is not set: run through `make loadtest`.")

import django

django.setup()

from django.db import connection

from benchmarks.load_generator import Server, measure
from centers.models import Category, Center
from regions.models import Commune, Region


def scenarios() -> dict[str, list[str]]:
    """Requests drawn with a fixed seed from the directory's own places and centers."""
    rng = random.Random(11)  # noqa: S311 (a reproducible sample, not a secret)
    points = [(p.y, p.x) for p in Commune.objects.values_list("reference_point", flat=True)]
    rng.shuffle(points)
    categories = list(Category.objects.values_list("code", flat=True)) or [""]
    names = list(Commune.objects.values_list("name_fr", flat=True))
    rng.shuffle(names)
    slugs = list(Center.objects.published().values_list("slug", flat=True))
    regions = list(Region.objects.values_list("code", flat=True))
    languages = ["", "/fr", "/en"]
    return {
        "nearest search (API)": [
            f"/api/v1/centers/?lat={lat:.4f}&lon={lon:.4f}&limit=10"
            f"&category={categories[i % len(categories)]}"
            for i, (lat, lon) in enumerate(points[:300])
        ],
        "place search (API)": [
            f"/api/v1/places/?q={quote(name[:6])}&limit=8" for name in names[:300]
        ],
        "center page": [
            f"{languages[i % 3]}/centers/{quote(slug)}/" for i, slug in enumerate(slugs or ["x"])
        ],
        "region page": [f"{languages[i % 3]}/regions/{code}/" for i, code in enumerate(regions)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    paths = scenarios()
    connection.close()
    with Server(os.environ, args.port) as server:
        measure(args.port, paths, 2, count=5)  # warm the workers and their connections
        memory_start = server.memory_mb()
        figures = measure(args.port, paths, args.clients, seconds=args.seconds)
        memory_end = server.memory_mb()

    total = sum(f["count"] for f in figures.values())
    print(f"Load: {args.clients} clients for {args.seconds:.0f} s, {total} requests")
    print(f"{'kind':24} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} errors")
    for name, numbers in figures.items():
        print(
            f"{name:24} {numbers['count']:>9} {numbers['p50']:8.1f} {numbers['p95']:8.1f} "
            f"{numbers['p99']:8.1f} {numbers['errors']:>6}"
        )
    errors = sum(f["errors"] for f in figures.values())
    everything = [latency for f in figures.values() for latency in f["latencies"]]
    cuts = statistics.quantiles(everything, n=100)
    print(
        f"all: {total / args.seconds:.1f} requests/s, p50 {cuts[49]:.1f} ms, "
        f"p95 {cuts[94]:.1f} ms, p99 {cuts[98]:.1f} ms, errors {errors}"
    )
    print(
        f"app memory (gunicorn, all processes): {memory_start:.0f} MB at start, "
        f"{memory_end:.0f} MB at end"
    )
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
