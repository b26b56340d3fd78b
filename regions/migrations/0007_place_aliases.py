"""Other names of the communes (PlaceAlias, from GeoNames), and the place search's index
of every name of every place (PlaceName), which the database keeps: see
regions/place_names.py."""

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

import regions.models


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0006_districts"),
    ]

    operations = [
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
        migrations.CreateModel(
            name="PlaceName",
            fields=[
                ("id", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=200)),
                (
                    "search",
                    models.GeneratedField(
                        db_persist=True,
                        expression=regions.models.SearchNormalize("name"),
                        output_field=models.TextField(),
                    ),
                ),
                ("is_alias", models.BooleanField()),
                (
                    "place",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="names",
                        to="regions.place",
                    ),
                ),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False,
                        fields=["search"],
                        name="place_name_search",
                        opclasses=["gin_trgm_ops"],
                    )
                ],
            },
        ),
    ]
