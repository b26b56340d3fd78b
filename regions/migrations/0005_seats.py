"""The seat of each province and region, and the gazetteer's point to measure from.

A database loaded before this migration gets its seats here, by the rule the loader
applies (regions.loader.seats_assign); the view then gives every place the point
distances from it start at: a commune's reference point, or its seat's."""

import django.db.models.deletion
from django.db import migrations, models

from regions.loader import seats_assign

PLACE_VIEW = """
CREATE VIEW regions_place AS
SELECT r.code, 'region' AS kind, 'region'::varchar AS unit_kind,
       r.name_ar, r.name_fr, r.name_en,
       r.population_2024 AS population, r.code AS region_code, NULL::varchar AS province_code,
       r.reference_point, s.reference_point AS origin,
       s.code AS seat_code, s.name_ar AS seat_name_ar, s.name_fr AS seat_name_fr,
       s.name_en AS seat_name_en,
       r.bbox, r.search_ar, r.search_fr
  FROM regions_region r
  LEFT JOIN regions_commune s ON s.id = r.seat_id
UNION ALL
SELECT p.code, 'province', p.kind,
       p.name_ar, p.name_fr, p.name_en,
       p.population_2024, r.code, p.code,
       p.reference_point, s.reference_point,
       s.code, s.name_ar, s.name_fr, s.name_en,
       p.bbox, p.search_ar, p.search_fr
  FROM regions_province p
  JOIN regions_region r ON r.id = p.region_id
  LEFT JOIN regions_commune s ON s.id = p.seat_id
UNION ALL
SELECT c.code, 'commune', c.kind,
       c.name_ar, c.name_fr, c.name_en,
       c.population_2024, r.code, p.code,
       c.reference_point, c.reference_point,
       NULL, NULL, NULL, NULL,
       c.bbox, c.search_ar, c.search_fr
  FROM regions_commune c
  JOIN regions_province p ON p.id = c.province_id
  JOIN regions_region r ON r.id = p.region_id;
"""

# The view of migration 0004, to return to.
PREVIOUS_PLACE_VIEW = """
CREATE VIEW regions_place AS
SELECT r.code, 'region' AS kind, r.name_ar, r.name_fr, r.name_en,
       r.population_2024 AS population, r.code AS region_code, NULL::varchar AS province_code,
       r.reference_point, r.bbox, r.search_ar, r.search_fr
  FROM regions_region r
UNION ALL
SELECT p.code, 'province', p.name_ar, p.name_fr, p.name_en,
       p.population_2024, r.code, p.code,
       p.reference_point, p.bbox, p.search_ar, p.search_fr
  FROM regions_province p JOIN regions_region r ON r.id = p.region_id
UNION ALL
SELECT c.code, 'commune', c.name_ar, c.name_fr, c.name_en,
       c.population_2024, r.code, p.code,
       c.reference_point, c.bbox, c.search_ar, c.search_fr
  FROM regions_commune c
  JOIN regions_province p ON p.id = c.province_id
  JOIN regions_region r ON r.id = p.region_id;
"""


def assign_seats(apps, schema_editor):
    seats_assign(
        region_model=apps.get_model("regions", "Region"),
        province_model=apps.get_model("regions", "Province"),
        commune_model=apps.get_model("regions", "Commune"),
    )


def seat_field():
    return models.ForeignKey(
        help_text="The commune distances from the area are measured from.",
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="regions.commune",
        verbose_name="seat",
    )


class Migration(migrations.Migration):
    dependencies = [("regions", "0004_place_view")]

    operations = [
        migrations.AddField(model_name="province", name="seat", field=seat_field()),
        migrations.AddField(model_name="region", name="seat", field=seat_field()),
        migrations.RunPython(assign_seats, migrations.RunPython.noop),
        migrations.RunSQL(
            ["DROP VIEW regions_place;", PLACE_VIEW],
            ["DROP VIEW regions_place;", PREVIOUS_PLACE_VIEW],
        ),
    ]
