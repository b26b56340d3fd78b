"""Other names of the communes (PlaceAlias, from GeoNames), and the gazetteer's names: a
view of every name of every place, official or alias, that the place search reads."""

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

import regions.models

PLACE_NAME_VIEW = """
CREATE VIEW regions_place_name AS
SELECT code || ':fr' AS id, code AS place_id, name_fr AS name, search_fr AS search,
       false AS is_alias
  FROM regions_place
UNION ALL
SELECT code || ':ar', code, name_ar, search_ar, false
  FROM regions_place
UNION ALL
SELECT c.code || ':' || a.id, c.code, a.name, a.search, true
  FROM regions_placealias a
  JOIN regions_commune c ON c.id = a.commune_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0005_seats"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlaceName",
            fields=[
                ("id", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=200)),
                ("search", models.TextField()),
                ("is_alias", models.BooleanField()),
            ],
            options={
                "db_table": "regions_place_name",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="PlaceAlias",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "script",
                    models.CharField(
                        choices=[("latn", "Latin"), ("arab", "Arabic"), ("tfng", "Tifinagh")],
                        max_length=4,
                        verbose_name="script",
                    ),
                ),
                ("geonames_id", models.PositiveIntegerField(verbose_name="GeoNames id")),
                (
                    "search",
                    models.GeneratedField(
                        db_persist=True,
                        expression=regions.models.SearchNormalize("name"),
                        output_field=models.TextField(),
                    ),
                ),
                (
                    "commune",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="aliases",
                        to="regions.commune",
                        verbose_name="commune",
                    ),
                ),
            ],
            options={
                "verbose_name": "other name",
                "verbose_name_plural": "other names",
                "ordering": ["commune__code", "name"],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["search"], name="alias_search", opclasses=["gin_trgm_ops"]
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("commune", "name"), name="regions_alias_unique")
                ],
            },
        ),
        migrations.RunSQL(PLACE_NAME_VIEW, "DROP VIEW regions_place_name;"),
    ]
