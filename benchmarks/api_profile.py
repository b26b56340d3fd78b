"""Where the time of the API's nearest-10, (a) of `make bench`, goes
(`benchmarks/api.py --profile N`).

api.py runs it in a process of its own, with the served settings and the bench database
in its environment and, on its input, the request paths of (a) and of the floor (b) as
JSON, `{scenario: [path, ...]}`, (a) first. It sends N requests of each through Django's
WSGI handler, as gunicorn's workers do, plain, for the time a request takes and the part
of it spent waiting on the database; then N requests of (a) under cProfile, whose self
times it sums by where the code lives:

- database: the driver (psycopg), Django's database layer and the project's backend,
  waiting for the server included;
- JSON assembly: the envelope joined around the items the database wrote, and the
  renderer;
- request handling: Django and DRF (middleware, routing, content negotiation, quotas,
  ETag), the parameter checks and the rest of the view.

Standard-library and built-in functions count for the group of whoever called them. The
profiler's own cost weighs on Python code, not on waiting for the server: the shares it
gives overstate the Python groups, and the plain pass gives the true times.
"""

import cProfile
import io
import json
import pstats
import statistics
import sys
import sysconfig
import time
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from django.core.wsgi import get_wsgi_application
from django.db import connection

DATABASE, HANDLING, JSON_ASSEMBLY = "database", "DRF/Django request handling", "JSON assembly"
# Where code lives, by fragment of its file's path; the first match names its group, and
# any other code outside the standard library is request handling.
PLACES = [
    ("/psycopg/", DATABASE),
    ("/psycopg_binary/", DATABASE),
    ("/django/db/", DATABASE),
    ("/geo_directory/database/", DATABASE),
    # async_unsafe, the wrapper of the database layer's methods.
    ("/django/utils/asyncio.py", DATABASE),
    ("/geo_directory/renderers.py", JSON_ASSEMBLY),
    ("/rest_framework/renderers.py", JSON_ASSEMBLY),
]
# The API's own JSON code: the envelope around the items.
ENVELOPE = ("/centers/api.py", "_envelope")
STDLIB = sysconfig.get_paths()["stdlib"]
THIS_SCRIPT = str(Path(__file__).resolve())


def environ(path: str) -> dict:
    """The WSGI environment of a GET from loopback, as gunicorn builds it."""
    path_info, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def send(application, paths: list[str]) -> list[float]:
    """Milliseconds per request."""
    elapsed, statuses = [], []

    def start_response(status, headers):
        statuses.append(status)

    for path in paths:
        start = time.perf_counter()
        response = application(environ(path), start_response)
        b"".join(response)
        response.close()
        elapsed.append((time.perf_counter() - start) * 1000)
        if not statuses[-1].startswith("200"):
            raise SystemExit(f"{path}: {statuses[-1]}")
    return elapsed


def group_of_place(function) -> str | None:
    """The group of code outside the standard library; "" for this script's own (no part
    of a request); None for the standard library and built-ins."""
    file, _line, name = function
    if file == THIS_SCRIPT:
        return ""
    if file == "~" or (file.startswith(("<", STDLIB)) and "site-packages" not in file):
        return None
    if file.endswith(ENVELOPE[0]) and name == ENVELOPE[1]:
        return JSON_ASSEMBLY
    return next((group for place, group in PLACES if place in file), HANDLING)


def by_group(stats: pstats.Stats) -> dict[str, float]:
    """Seconds of self time per group."""
    mixes: dict = {}

    def groups_served(function, seen: frozenset) -> dict[str, float]:
        """The groups a function works for, as shares of its time."""
        group = group_of_place(function)
        if group is not None:
            return {group: 1.0} if group else {}
        if function in seen:
            return {}
        if function not in mixes:
            callers = stats.stats[function][4]
            total = sum(edge[3] for edge in callers.values()) or 1
            mix: dict[str, float] = defaultdict(float)
            for caller, edge in callers.items():
                for name, share in groups_served(caller, seen | {function}).items():
                    mix[name] += share * edge[3] / total
            mixes[function] = dict(mix)
        return mixes[function]

    totals: dict[str, float] = defaultdict(float)
    for function, (_cc, _nc, self_time, _ct, callers) in stats.stats.items():
        group = group_of_place(function)
        if group is not None:
            if group:
                totals[group] += self_time
            continue
        # Each caller's share of this function's self time goes to the caller's groups.
        for caller, edge in callers.items():
            for name, share in groups_served(caller, frozenset({function})).items():
                totals[name] += edge[2] * share
    return totals


def plain(application, paths: list[str]) -> dict[str, float]:
    """Means in milliseconds per request, without a profiler: the whole request, its
    queries, and Django's check of the kept connection (a SELECT 1 before the request's
    first query, outside the execute wrappers)."""
    queries, checks = [], []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - start) * 1000)

    is_usable = connection.is_usable

    def timed_is_usable():
        start = time.perf_counter()
        try:
            return is_usable()
        finally:
            checks.append((time.perf_counter() - start) * 1000)

    connection.is_usable = timed_is_usable
    with connection.execute_wrapper(timed):
        elapsed = send(application, paths)
    del connection.is_usable
    total, query, check = (sum(times) / len(paths) for times in (elapsed, queries, checks))
    return {
        "total": total,
        "p50": statistics.median(elapsed),
        "queries": len(queries) / len(paths),
        "query": query,
        "check": check,
        "python": total - query - check,
    }


def main() -> None:
    count = int(sys.argv[1])
    scenarios = {
        name: [paths[i % len(paths)] for i in range(count)]
        for name, paths in json.load(sys.stdin).items()
    }
    application = get_wsgi_application()
    for paths in scenarios.values():
        send(application, paths[:20])  # connection, URLconf and caches
    print(
        f"{count} requests each in one process through Django's WSGI handler, plain, "
        "ms per request (means):"
    )
    print(f"  {'':30} {'total':>6} {'p50':>6} {'queries':>8} {'health check':>13} {'Python':>7}")
    for name, paths in scenarios.items():
        f = plain(application, paths)
        print(
            f"  {name:30} {f['total']:6.2f} {f['p50']:6.2f} {f['query']:8.2f} "
            f"{f['check']:13.2f} {f['python']:7.2f}   ({f['queries']:.1f} queries a request)"
        )

    paths = next(iter(scenarios.values()))
    profiler = cProfile.Profile()
    profiler.enable()
    send(application, paths)
    profiler.disable()
    stats = pstats.Stats(profiler)
    totals = by_group(stats)
    whole = sum(totals.values())
    print(
        f"{next(iter(scenarios))} under cProfile: {whole * 1000 / count:.2f} ms per request, "
        "self time by group (the profiler inflates Python code, not the waits for the server):"
    )
    print("  with the top cumulative entries of each group's code (callees of any group included):")
    for group in (DATABASE, HANDLING, JSON_ASSEMBLY):
        print(f"  {group:30} {totals[group] * 1000 / count:6.2f} ms {totals[group] / whole:5.0%}")
        # Frames that wrap most of the request (the handler, each middleware) are left out.
        entries = sorted(
            (
                (cumulative, function)
                for function, (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items()
                if group_of_place(function) == group and cumulative < whole / 2
            ),
            reverse=True,
        )[:6]
        for cumulative, (file, line, name) in entries:
            place = file.split("site-packages/")[-1].removeprefix(f"{PROJECT}/")
            print(f"      {cumulative * 1000 / count:6.2f} ms  {name} ({place}:{line})")


if __name__ == "__main__":
    main()
