"""Place search benchmark: p50 and p95 over a few hundred queries on the loaded gazetteer.

    make bench-places          (or: .venv/bin/python benchmarks/place_search.py)

The queries are built from the real names of every eighth commune, province and region,
in four forms: French name lower-cased without accents, Arabic name, the first five
letters of the French name (typing in progress) and the French name with one letter
dropped (a typo); and every fourth alias (Tangier, Rbat, names in Tifinagh). A query
in Latin letters is also searched by its Darija readings, as every search is. Each is
timed twice: the database query alone (built, run and read), and the whole API request
(`GET /api/v1/places/?q=`) through Django in-process.
"""

import os
import statistics
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo_directory.settings.base")

import django

django.setup()

from django.test import Client

from partners.throttling import AnonymousRateThrottle
from regions.models import Place, PlaceAlias

# What is measured is the search, not the anonymous quota, which would refuse most of it.
AnonymousRateThrottle.rate = "1000000/second"


def queries() -> list[str]:
    places = Place.objects.order_by("code").values_list("name_fr", "name_ar")
    result = []
    for name_fr, name_ar in list(places)[::8]:
        plain = unicodedata.normalize("NFKD", name_fr).encode("ascii", "ignore").decode().lower()
        typo = plain[: len(plain) // 2] + plain[len(plain) // 2 + 1 :]
        result += [plain, name_ar, plain[:5], typo]
    result += list(PlaceAlias.objects.order_by("name").values_list("name", flat=True))[::4]
    return [q for q in result if len(q) >= 2]


def percentiles(samples_ms: list[float]) -> str:
    cuts = statistics.quantiles(samples_ms, n=100)
    return f"p50 {cuts[49]:6.2f} ms   p95 {cuts[94]:6.2f} ms   max {max(samples_ms):6.2f} ms"


def main() -> None:
    terms = queries()
    client = Client(HTTP_HOST="localhost")
    for term in terms[:20]:  # warm the caches and the connection
        list(Place.objects.search(term)[:10])

    database, api = [], []
    for term in terms:
        start = time.perf_counter()
        list(Place.objects.search(term)[:10])
        database.append((time.perf_counter() - start) * 1000)

        start = time.perf_counter()
        response = client.get("/api/v1/places/", {"q": term, "limit": 10})
        api.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{term!r}: HTTP {response.status_code} {response.content!r}")

    print(f"Place search over {len(terms)} queries ({Place.objects.count()} places)")
    print(f"  query only   {percentiles(database)}")
    print(f"  API request  {percentiles(api)}")


if __name__ == "__main__":
    main()
