"""The districts (arrondissements) of the six largest cities, and the gazetteer with them.

The view gains a district branch, measured from the district's own reference point, and
the commune a district belongs to (commune_code, commune_name_ar, _fr, _en), which names
it: "Maârif, Casablanca". These four columns are null for the other kinds: a commune is
not its own commune. load_admin_areas fills the table; the view needs no data.
"""

import django.contrib.gis.db.models.fields
import django.contrib.gis.db.models.functions
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

import regions.models

PLACE_VIEW = """
CREATE VIEW regions_place AS
SELECT r.code, 'region' AS kind, 'region'::varchar AS unit_kind,
       r.name_ar, r.name_fr, r.name_en,
       r.population_2024 AS population, r.code AS region_code, NULL::varchar AS province_code,
       r.reference_point, s.reference_point AS origin,
       s.code AS seat_code, s.name_ar AS seat_name_ar, s.name_fr AS seat_name_fr,
       s.name_en AS seat_name_en,
       NULL::varchar AS commune_code, NULL::varchar AS commune_name_ar,
       NULL::varchar AS commune_name_fr, NULL::varchar AS commune_name_en,
       r.bbox, r.search_ar, r.search_fr
  FROM regions_region r
  LEFT JOIN regions_commune s ON s.id = r.seat_id
UNION ALL
SELECT p.code, 'province', p.kind,
       p.name_ar, p.name_fr, p.name_en,
       p.population_2024, r.code, p.code,
       p.reference_point, s.reference_point,
       s.code, s.name_ar, s.name_fr, s.name_en,
       NULL, NULL, NULL, NULL,
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
       NULL, NULL, NULL, NULL,
       c.bbox, c.search_ar, c.search_fr
  FROM regions_commune c
  JOIN regions_province p ON p.id = c.province_id
  JOIN regions_region r ON r.id = p.region_id
UNION ALL
SELECT d.code, 'district', 'arrondissement',
       d.name_ar, d.name_fr, d.name_en,
       d.population_2024, r.code, p.code,
       d.reference_point, d.reference_point,
       NULL, NULL, NULL, NULL,
       c.code, c.name_ar, c.name_fr, c.name_en,
       d.bbox, d.search_ar, d.search_fr
  FROM regions_district d
  JOIN regions_commune c ON c.id = d.commune_id
  JOIN regions_province p ON p.id = c.province_id
  JOIN regions_region r ON r.id = p.region_id;
"""

# The view of migration 0005, to return to.
PREVIOUS_PLACE_VIEW = """
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


class Migration(migrations.Migration):
    dependencies = [("regions", "0005_seats")]

    operations = [
        migrations.CreateModel(
            name="District",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.CharField(max_length=16, unique=True, verbose_name="official code"),
                ),
                ("name_ar", models.CharField(max_length=200, verbose_name="name in Arabic")),
                ("name_fr", models.CharField(max_length=200, verbose_name="name in French")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=200, verbose_name="name in English"),
                ),
                (
                    "population_2024",
                    models.PositiveIntegerField(null=True, verbose_name="population (2024 census)"),
                ),
                (
                    "households_2024",
                    models.PositiveIntegerField(null=True, verbose_name="households (2024 census)"),
                ),
                (
                    "geom",
                    django.contrib.gis.db.models.fields.MultiPolygonField(
                        null=True, srid=4326, verbose_name="boundary"
                    ),
                ),
                (
                    "geom_simplified",
                    django.contrib.gis.db.models.fields.MultiPolygonField(
                        null=True, srid=4326, verbose_name="simplified boundary"
                    ),
                ),
                (
                    "reference_point",
                    django.contrib.gis.db.models.fields.PointField(
                        null=True, srid=4326, verbose_name="reference point"
                    ),
                ),
                (
                    "bbox",
                    models.GeneratedField(
                        db_persist=True,
                        expression=django.contrib.gis.db.models.functions.Envelope("geom"),
                        output_field=django.contrib.gis.db.models.fields.PolygonField(srid=4326),
                    ),
                ),
                (
                    "search_ar",
                    models.GeneratedField(
                        db_persist=True,
                        expression=regions.models.SearchNormalize("name_ar"),
                        output_field=models.TextField(),
                    ),
                ),
                (
                    "search_fr",
                    models.GeneratedField(
                        db_persist=True,
                        expression=regions.models.SearchNormalize("name_fr"),
                        output_field=models.TextField(),
                    ),
                ),
                ("source_digest", models.CharField(blank=True, editable=False, max_length=64)),
                (
                    "commune",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="districts",
                        to="regions.commune",
                        verbose_name="commune",
                    ),
                ),
            ],
            options={
                "verbose_name": "district",
                "verbose_name_plural": "districts",
                "ordering": ["code"],
                "abstract": False,
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["search_fr"], name="district_search_fr", opclasses=["gin_trgm_ops"]
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["search_ar"], name="district_search_ar", opclasses=["gin_trgm_ops"]
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("geom__isvalid", True)),
                        name="regions_district_geom_valid",
                    )
                ],
            },
        ),
        migrations.RunSQL(
            ["DROP VIEW regions_place;", PLACE_VIEW],
            ["DROP VIEW regions_place;", PREVIOUS_PLACE_VIEW],
        ),
    ]
