"""Weak connections (`make bench-phone`): the public site in Arabic as a phone on a slow
3G connection loads it, cold (an empty cache) and warm (the same page again).

It prepares a database of its own (`<name>_phone` on DATABASE_URL's server, never the
demo one) with the Makefile's data step, so it holds the real centers of
fixtures/centers.csv and nothing synthetic; with --as-is it reads DATABASE_URL's database
as it is and writes nothing to it. It serves the site as `make run` does (gunicorn, base
settings, collected compressed static files, no street tiles) and drives Debian's
Chromium through Playwright at 360 x 740 pixels, locale ar-MA, positioned in Rabat, with
the network throttled through the DevTools protocol. For the home page, a search from a
position, a search from a typed place and the page of the search's first center it
prints the time until the first result is painted and how far down the page it is, the
bytes received before it, before the map's assets are first requested, for the map and
in all, and the time until the network is idle; then the requests that weigh most
before the first result. With --check it fails when a cold visit misses an aim.

    .venv/bin/python benchmarks/slow_network.py [--check] [--as-is] [--port 8767]
        [--kbits 400] [--latency 400]
"""

import argparse
import json
import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.databases import recreate_bench_database, use_bench_database
from tests.servers import gunicorn

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
# (latitude, longitude) of the Hassan Tower, Rabat.
RABAT = (34.024, -6.822)
# Each page, with what its first result is: the element whose first painted frame counts.
PAGES = {
    "home": ("/", "#search-form input"),
    # The addresses the form and "use my location" open: on the results.
    "search, position": (
        f"/?category=disability&lat={RABAT[0]}&lon={RABAT[1]}#results-title",
        "#center-list .center-card",
    ),
    "search, place": (
        f"/?category=disability&place={quote('الرباط')}#results-title",
        "#center-list .center-card",
    ),
}
CENTER_PAGE = "center page"
# Requests of the map's own assets: Leaflet, its plugin, our map scripts, the boundaries.
MAP_ASSETS = (
    "/static/leaflet/",
    "/static/vendor/leaflet.markercluster/",
    "/static/js/map.",
    "/static/js/base-layers.",
    "/boundaries.geojson",
    "/provinces.geojson",
)
AIM_FIRST_RESULT_S = 5.0
AIM_BEFORE_MAP_BYTES = 150_000
KB = 1000

# Run in the page before its own scripts: notes the first animation frame (none runs while
# rendering is blocked) in which the element has a box, is not hidden and is in the
# first screen, where the page opens (a search's page opens on its results), and how far
# from the screen's top it is then.
FIRST_PAINTED = """(selector => {
  function look() {
    const element = document.querySelector(selector);
    const box = element && element.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0
        && getComputedStyle(element).visibility !== "hidden"
        && box.top < window.innerHeight && box.bottom > 0) {
      window.firstPainted = { ms: performance.now(), top: box.top };
    } else {
      requestAnimationFrame(look);
    }
  }
  requestAnimationFrame(look);
})(%s)"""


@dataclass
class Transfer:
    """One request: when it was sent and what arrived when (wall-clock seconds, bytes)."""

    url: str
    sent: float
    chunks: list[tuple[float, float]] = field(default_factory=list)
    # Chunks whose encoded size the browser gives only in all, at the end (the
    # document's): (when, decoded bytes).
    unsized: list[tuple[float, int]] = field(default_factory=list)
    finished: float | None = None

    @property
    def size(self) -> float:
        return sum(size for _at, size in self.chunks)

    def received_before(self, moment: float) -> float:
        return sum(size for at, size in self.chunks if at <= moment)

    def finish(self, at: float, encoded: int) -> None:
        """Spreads the bytes not yet counted over the unsized chunks, by their decoded
        size, or counts them at the end."""
        self.finished = at
        rest = encoded - self.size
        decoded = sum(size for _at, size in self.unsized)
        if rest > 0 and decoded:
            self.chunks += [(when, rest * size / decoded) for when, size in self.unsized]
        elif rest > 0:
            self.chunks.append((at, rest))


class NetworkLog:
    """The page's requests as the DevTools protocol reports them, with the encoded bytes
    received (headers and compressed body) of each, in the order they came."""

    def __init__(self, cdp):
        self.transfers: dict[str, Transfer] = {}
        self.wall_minus_monotonic = 0.0
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.responseReceived", self.headers)
        cdp.on("Network.dataReceived", self.data)
        cdp.on("Network.loadingFinished", self.finished)

    def wall(self, timestamp: float) -> float:
        return timestamp + self.wall_minus_monotonic

    def sent(self, event):
        if not event["request"]["url"].startswith("http"):
            return  # data: URLs, read from the page itself
        if not self.transfers:
            self.wall_minus_monotonic = event["wallTime"] - event["timestamp"]
        self.transfers.setdefault(
            event["requestId"], Transfer(event["request"]["url"], self.wall(event["timestamp"]))
        )

    def headers(self, event):
        if transfer := self.transfers.get(event["requestId"]):
            at = self.wall(event["timestamp"])
            transfer.chunks.append((at, event["response"]["encodedDataLength"]))

    def data(self, event):
        if transfer := self.transfers.get(event["requestId"]):
            at = self.wall(event["timestamp"])
            if event["encodedDataLength"]:
                transfer.chunks.append((at, event["encodedDataLength"]))
            elif event["dataLength"]:
                transfer.unsized.append((at, event["dataLength"]))

    def finished(self, event):
        if transfer := self.transfers.get(event["requestId"]):
            transfer.finish(self.wall(event["timestamp"]), event["encodedDataLength"])


def is_map_asset(url: str) -> bool:
    path = urlsplit(url).path
    return any(part in path for part in MAP_ASSETS)


def throttling(kbits: float, latency_ms: float) -> dict:
    """The DevTools protocol's network conditions: throughput in bytes per second, both
    ways, and the least time from a request to its response's headers."""
    return {
        "offline": False,
        "latency": latency_ms,
        "downloadThroughput": kbits * 1000 / 8,
        "uploadThroughput": kbits * 1000 / 8,
    }


def figures(transfers: list[Transfer], origin: float, painted: dict | None) -> dict:
    """What one visit measured, from its transfers, the start of its navigation and when
    and where its first result was painted (`FIRST_PAINTED`); times in seconds from the
    start."""
    painted_at = origin + painted["ms"] / 1000 if painted else None
    map_starts = [t.sent for t in transfers if is_map_asset(t.url)]
    map_start = min(map_starts, default=None)
    ends = [t.finished for t in transfers if t.finished is not None]
    return {
        "first_result_s": None if painted_at is None else painted_at - origin,
        "first_result_top": None if painted is None else painted["top"],
        "before_first_result": (
            None if painted_at is None else sum(t.received_before(painted_at) for t in transfers)
        ),
        "before_map": sum(t.received_before(map_start) if map_start else t.size for t in transfers),
        "map": sum(t.size for t in transfers if is_map_asset(t.url)),
        "total": sum(t.size for t in transfers),
        "requests": len(transfers),
        "network_idle_s": max(ends, default=origin) - origin,
        "heaviest": sorted(
            (
                (t.received_before(painted_at), unquote(urlsplit(t.url).path))
                for t in transfers
                if painted_at is not None and t.received_before(painted_at)
            ),
            reverse=True,
        )[:4],
    }


def visit(context, url: str, selector: str, conditions: dict) -> dict:
    """Loads the page in a new tab of the context, throttled, until the network is idle."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    log = NetworkLog(cdp)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)
    page.add_init_script(FIRST_PAINTED % json.dumps(selector))
    page.goto(url, wait_until="networkidle", timeout=180_000)
    origin_ms, painted = page.evaluate("[performance.timeOrigin, window.firstPainted || null]")
    page.close()
    return figures(list(log.transfers.values()), origin_ms / 1000, painted)


def aims_missed(row: dict) -> list[str]:
    missed = []
    if row["first_result_s"] is None or row["first_result_s"] > AIM_FIRST_RESULT_S:
        missed.append(f"first result after {AIM_FIRST_RESULT_S:g} s")
    elif row["first_result_top"] >= PHONE["height"]:
        missed.append("first result below the first screen")
    if row["before_map"] > AIM_BEFORE_MAP_BYTES:
        missed.append(f"more than {AIM_BEFORE_MAP_BYTES // KB} KB before the map")
    return missed


def prepare_database() -> None:
    """`<name>_phone`, empty, then filled by the Makefile's data step: what `make run`
    serves on a fresh machine."""
    from django.db import connection

    recreate_bench_database()
    connection.close()
    make("data")


def make(*targets: str) -> None:
    # On the command line, DATABASE_URL overrides any the Makefile reads from .env.
    subprocess.run(
        ["make", "-s", *targets, f"DATABASE_URL={os.environ['DATABASE_URL']}"],  # noqa: S607 (make from PATH)
        cwd=PROJECT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def first_center_slug() -> str:
    """The position search's first result: the nearest listed center of its category."""
    from django.contrib.gis.geos import Point
    from django.db import connection

    from centers.models import Center

    point = Point(x=RABAT[1], y=RABAT[0], srid=4326)
    center = Center.objects.listed().filter(category__code="disability").nearest(point, k=1).first()
    connection.close()
    if center is None:
        raise SystemExit("No listed disability center: the database holds no demo data.")
    return center.slug


def warm_up(base: str, pages: dict) -> None:
    """Asks each page a few times, unthrottled, so that both workers have their
    templates and database connection before a throttled visit counts."""
    for path, _selector in pages.values():
        for _ in range(4):
            with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310 (our own server)
                response.read()


def measure(base: str, pages: dict, conditions: dict) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        for name, (path, selector) in pages.items():
            # A new context: an empty cache for the cold visit, kept for the warm one.
            context = browser.new_context(
                viewport=PHONE,
                is_mobile=True,
                has_touch=True,
                locale="ar-MA",
                geolocation={"latitude": RABAT[0], "longitude": RABAT[1]},
                permissions=["geolocation"],
            )
            for kind in ("cold", "warm"):
                row = visit(context, base + path, selector, conditions)
                rows.append({"page": name, "visit": kind, **row})
            context.close()
        browser.close()
    return rows


def kilobytes(size: float | None) -> str:
    return "-" if size is None else f"{size / KB:.1f}"


def seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f}"


def print_table(rows: list[dict]) -> None:
    print(
        "| page | visit | first result s | its top px | KB before it | KB before map "
        "| map KB | total KB | requests | network idle s | aims (cold) |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        aims = ("; ".join(aims_missed(row)) or "met") if row["visit"] == "cold" else ""
        top = "-" if row["first_result_top"] is None else f"{row['first_result_top']:.0f}"
        print(
            f"| {row['page']} | {row['visit']} | {seconds(row['first_result_s'])} | {top} "
            f"| {kilobytes(row['before_first_result'])} | {kilobytes(row['before_map'])} "
            f"| {kilobytes(row['map'])} | {kilobytes(row['total'])} | {row['requests']} "
            f"| {seconds(row['network_idle_s'])} | {aims} |"
        )


def print_heaviest(rows: list[dict]) -> None:
    print("\nHeaviest before the first result (cold visits):")
    for row in rows:
        if row["visit"] == "cold":
            parts = ", ".join(f"{path} {kilobytes(size)}" for size, path in row["heaviest"])
            print(f"  {row['page']}: {parts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when a cold visit misses")
    parser.add_argument(
        "--as-is", action="store_true", help="read DATABASE_URL's database, writing nothing"
    )
    parser.add_argument("--port", type=int, default=8767, help="gunicorn's, on 127.0.0.1")
    parser.add_argument("--kbits", type=float, default=400, help="kbit/s, each way")
    parser.add_argument("--latency", type=float, default=400, help="ms, request to response")
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        raise SystemExit("DATABASE_URL is not set: run the benchmark through make.")
    if not args.as_is:
        use_bench_database("phone")
    # As `make run` serves: base settings, and no street tiles unless configured.
    os.environ["DJANGO_SETTINGS_MODULE"] = "geo_directory.settings.base"
    os.environ["MAP_TILES_URL"] = ""
    import django

    django.setup()
    make("translations", "static")
    if not args.as_is:
        prepare_database()
    from django.db import connection

    print(f"Database: {connection.settings_dict['NAME']}")
    slug = first_center_slug()
    pages = {**PAGES, CENTER_PAGE: (f"/centers/{quote(slug)}/", "h1")}
    conditions = throttling(args.kbits, args.latency)
    print(
        f"Network: {args.kbits:g} kbit/s down and up, {args.latency:g} ms from each request "
        f"to its response; viewport {PHONE['width']} x {PHONE['height']}, ar-MA\n"
    )
    with gunicorn({**os.environ, "GUNICORN_CMD_ARGS": "--log-level warning"}, args.port) as base:
        warm_up(base, pages)
        rows = measure(base, pages, conditions)
    print_table(rows)
    print_heaviest(rows)
    if args.check and any(aims_missed(row) for row in rows if row["visit"] == "cold"):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
