"""Leads read in public sources (fixtures/leads.csv, built by `build_center_seed` from
centers_candidates.csv): places that may be centers of the ministry's networks, which no
source confirms. Each waits in its region's review queue as a suggestion of a new center,
with the center it proposes and its sources, until staff verify it and create the center
from it, or reject it."""

import csv
from pathlib import Path

from django.db import transaction

from centers.seed import LEAD_COLUMNS
from centers.sheets import COLUMN_NAMES
from regions.models import Commune

from .models import Suggestion


class LeadError(ValueError):
    pass


@transaction.atomic
def load_leads(path: Path) -> tuple[int, int]:
    """Puts in the queue each lead not loaded before; returns (created, already there). A
    lead loaded once is never written again, whatever staff made of it since."""
    leads = _read(path)
    communes = {
        commune.code: commune
        for commune in Commune.objects.without_boundaries()
        .filter(code__in={lead["commune_code"] for lead in leads})
        .select_related("province__region")
    }
    loaded = set(
        Suggestion.objects.filter(
            lead_ref__in=[lead["external_ref"] for lead in leads]
        ).values_list("lead_ref", flat=True)
    )
    created = 0
    for lead in leads:
        if lead["external_ref"] in loaded:
            continue
        commune = communes.get(lead["commune_code"])
        if commune is None:
            raise LeadError(f"{lead['external_ref']}: no commune {lead['commune_code']!r}.")
        Suggestion.objects.create(
            lead_ref=lead["external_ref"],
            kind=Suggestion.Kind.NEW_CENTER,
            region=commune.province.region,
            commune=commune,
            text="\n\n".join(filter(None, (lead["details"], lead["notes"]))),
            proposed={column: lead[column] for column in COLUMN_NAMES},
        )
        created += 1
    return created, len(loaded)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        missing = [column for column in LEAD_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise LeadError(f"{path} has no column {', '.join(missing)}.")
        return list(reader)
