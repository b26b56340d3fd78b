"""Whole-export benchmark (`make bench-exports`): every center in one streamed answer, at
100,000 and 1,000,000 synthetic centers, under the public time limits (each database
statement within 1 s).

It builds a separate database (`<name>_bench_exports` on the same server; never the demo
one), fills it with synthetic centers, starts the app under gunicorn with production
settings, and for the whole GeoJSON and CSV export, and a region's, reads the answer to
its end and prints the time to the first byte and to the last, the size, the
throughput, the features or rows counted (and says so when the database holds another
number), gunicorn's peak resident memory while it streams, and the time of a conditional
request answered 304 with the export's ETag.

    .venv/bin/python benchmarks/exports.py [--sizes 100000 1000000] [--port 8766]
"""

import argparse
import http.client
import os
import sys
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.chdir(PROJECT)

from benchmarks.databases import fresh_bench_database, grow_synthetic_centers, use_bench_database

# Everything below runs against the bench database, never the demo one.
use_bench_database("bench_exports")

import django

django.setup()

from django.db import connection
from django.http import QueryDict

from benchmarks.load_generator import Server
from centers.filters import parse_search_parameters
from centers.selectors import CenterSearch

EXPORTS = {
    "GeoJSON, every status": "/api/v1/centers/?format=geojson&status=all",
    "CSV, every status": "/api/v1/centers/?format=csv&status=all",
    "GeoJSON, region 06, listed": "/api/v1/centers/?format=geojson&region=06",
    # Built before it is sent: its first byte comes when the build is done.
    "HSDS package (zip), listed": "/api/v1/hsds/package.zip",
}
CHUNK = 1 << 16


def read_export(port: int, path: str, server: Server) -> dict:
    """Reads the whole answer, sampling gunicorn's memory as it streams."""
    peak = [server.memory_mb()]
    done = threading.Event()

    def sample():
        while not done.wait(0.2):
            peak.append(server.memory_mb())

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    client.request("GET", path)
    response = client.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - started
    size, tail, lines = len(first), first, 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        lines += chunk.count(b"\n")
        tail = chunk[-200:]
    total = time.perf_counter() - started
    content_type = response.getheader("Content-Type", "")
    if content_type.startswith("text/csv"):
        items = lines - 1  # the header
    elif content_type == "application/zip":
        items = None
    else:
        # The collection ends with the count of its features.
        items = int(tail.rsplit(b'"count": ', 1)[1].rstrip(b"}"))
    done.set()
    sampler.join()
    etag = response.getheader("ETag")
    client.close()
    conditional = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    again = time.perf_counter()
    conditional.request("GET", path, headers={"If-None-Match": etag})
    status = conditional.getresponse()
    status.read()
    not_modified = time.perf_counter() - again
    conditional.close()
    return {
        "status": response.status,
        "first_byte_s": first_byte,
        "total_s": total,
        "mb": size / 1e6,
        "items": items,
        "peak_mb": max(peak),
        "conditional": status.status,
        "conditional_ms": not_modified * 1000,
    }


def matching(path: str) -> int:
    """How many centers the database holds for the export's query."""
    query = QueryDict(path.partition("?")[2])
    count = CenterSearch(parse_search_parameters(query)).exact_count()
    connection.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--port", type=int, default=8766, help="gunicorn's, on 127.0.0.1")
    args = parser.parse_args()

    fresh_bench_database()
    print(f"Bench database: {connection.settings_dict['NAME']}")
    generated = 0
    for size in args.sizes:
        seconds = grow_synthetic_centers(size, generated)
        generated = size
        print(f"\n=== {size:,} centers (filled in {seconds:.0f} s)")
        print(
            f"{'export':28} | status | first byte s | total s |     MB |  MB/s | "
            "features/rows | peak MB | 304 ms"
        )
        with Server(os.environ, args.port) as server:
            for name, path in EXPORTS.items():
                figures = read_export(args.port, path, server)
                expected = matching(path) if figures["items"] is not None else None
                counted = "-" if figures["items"] is None else f"{figures['items']:,}"
                print(
                    f"{name:28} | {figures['status']:>6} | {figures['first_byte_s']:12.2f} | "
                    f"{figures['total_s']:7.1f} | {figures['mb']:6.0f} | "
                    f"{figures['mb'] / figures['total_s']:5.1f} | {counted:>13} | "
                    f"{figures['peak_mb']:7.0f} | {figures['conditional_ms']:6.0f}"
                    + ("" if figures["conditional"] == 304 else f" (got {figures['conditional']})")
                    + ("" if figures["items"] == expected else f" (EXPECTED {expected:,} ROWS)")
                )


if __name__ == "__main__":
    main()
