"""Synthetic centers for benchmarks: generated, labelled synthetic, never real.

Centers are spread over the communes in proportion to their population (at least one per
commune), at random points inside each commune's boundary, by the database itself: a
million rows take minutes, not hours. They are marked `is_synthetic`, named "Synthetic
center N", and refused in a database that holds real centers.
"""

import random

from django.db import connection, transaction

from regions.models import Commune

from .models import Category, Center

SYNTHETIC_NAME_FR = "Centre synthétique {n}"
SYNTHETIC_NAME_AR = "مركز اصطناعي {n}"
# Inserted in slices so that progress shows and memory stays flat.
BATCH = 100_000


class RealCentersPresent(Exception):
    pass


def centers_per_commune(populations: dict[int, int], count: int) -> dict[int, int]:
    """Splits `count` over the communes in proportion to population (largest remainders),
    at least one each when there are enough centers."""
    floor = 1 if count >= len(populations) else 0
    spare = count - floor * len(populations)
    total = sum(populations.values()) or 1
    shares = {cid: spare * people / total for cid, people in populations.items()}
    result = {cid: floor + int(share) for cid, share in shares.items()}
    left = count - sum(result.values())
    by_remainder = sorted(shares, key=lambda cid: shares[cid] - int(shares[cid]), reverse=True)
    for cid in by_remainder[:left]:
        result[cid] += 1
    return result


def synthetic_centers_generate(*, count: int, seed: int = 1, progress=None) -> int:
    """Adds `count` synthetic centers; returns how many were written."""
    if Center.objects.filter(is_synthetic=False).exists():
        raise RealCentersPresent(
            "This database holds real centers: generate synthetic ones in a separate "
            "database (see `make bench`)."
        )
    categories = list(Category.objects.order_by("code").values_list("id", "sensitive"))
    if not categories:
        raise RealCentersPresent("Load the categories first (fixtures/categories.json).")
    populations = dict(
        Commune.objects.filter(geom__isnull=False).values_list("id", "population_2024")
    )
    plan = centers_per_commune({cid: people or 0 for cid, people in populations.items()}, count)
    rng = random.Random(seed)  # noqa: S311 (reproducible benchmark data, not secrets)
    commune_ids = [cid for cid in sorted(plan) if plan[cid]]
    rng.shuffle(commune_ids)

    start = Center.objects.filter(is_synthetic=True).count()
    written = 0
    batch: list[tuple[int, int]] = []
    for cid in commune_ids:
        batch.append((cid, plan[cid]))
        if sum(n for _cid, n in batch) >= BATCH:
            written += _insert(batch, start + written, categories, rng.randrange(1 << 30))
            batch = []
            if progress:
                progress(written)
    if batch:
        written += _insert(batch, start + written, categories, rng.randrange(1 << 30))
        if progress:
            progress(written)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE centers_center")
    return written


@transaction.atomic
def _insert(batch: list[tuple[int, int]], offset: int, categories, seed: int) -> int:
    category_ids = [cid for cid, _sensitive in categories]
    sensitive_ids = [cid for cid, sensitive in categories if sensitive] or [0]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH plan AS (
                SELECT * FROM unnest(%(communes)s::bigint[], %(counts)s::int[]) AS p(commune_id, n)
            ),
            points AS (
                SELECT c.id AS commune_id, p2.region_id, c.province_id,
                       c.reference_point,
                       (ST_Dump(ST_GeneratePoints(c.geom, plan.n, %(seed)s))).geom AS point
                  FROM plan
                  JOIN regions_commune c ON c.id = plan.commune_id
                  JOIN regions_province p2 ON p2.id = c.province_id
            ),
            numbered AS (
                SELECT points.*, %(offset)s + row_number() OVER () AS n FROM points
            ),
            categorised AS (
                SELECT numbered.*,
                       (%(categories)s::bigint[])[1 + (n %% %(category_count)s)::int] AS category_id
                  FROM numbered
            )
            INSERT INTO centers_center (
                name_ar, name_fr, name_en, slug, category_id,
                description_ar, description_fr, address_ar, address_fr,
                eligibility_ar, eligibility_fr, managing_organisation, capacity,
                phones, email, website, opening_hours, opening_hours_note,
                status, status_note, location, location_precision,
                public_location, public_location_precision, public_address_ar, public_address_fr,
                commune_id, province_id, region_id, last_verified_on, source_urls,
                external_ref, is_synthetic, archived, archived_at, created_at, updated_at,
                public_updated_at
            )
            SELECT replace(%(name_ar)s, '{n}', n::text), replace(%(name_fr)s, '{n}', n::text),
                   '', 'synthetic-' || n, category_id,
                   '', '', '', '', '', '', '', NULL,
                   '{}', '', '', '{}', '', 'open', '', point::geography, 'exact',
                   CASE WHEN category_id = ANY(%(sensitive)s::bigint[])
                        THEN reference_point ELSE point END::geography,
                   CASE WHEN category_id = ANY(%(sensitive)s::bigint[])
                        THEN 'commune' ELSE 'exact' END, '', '',
                   commune_id, province_id, region_id, NULL, '{}',
                   'synthetic-' || n, TRUE, FALSE, NULL, now(), now(), now()
              FROM categorised
            """,
            {
                "communes": [cid for cid, _n in batch],
                "counts": [n for _cid, n in batch],
                "seed": seed,
                "offset": offset,
                "categories": category_ids,
                "category_count": len(category_ids),
                "sensitive": sensitive_ids,
                "name_ar": SYNTHETIC_NAME_AR,
                "name_fr": SYNTHETIC_NAME_FR,
            },
        )
        return cursor.rowcount
