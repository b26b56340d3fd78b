"""Helplines; the history of categories; the public change clock of centers.

Existing centers' public clock starts at their last change. The public JSON's
`updated_at` becomes the public clock (the function of migration 0005, replaced).
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

PUBLIC_PROPERTIES = """
CREATE OR REPLACE FUNCTION center_public_properties(
    c centers_center, distance_m integer, beyond_radius boolean
) RETURNS json LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_strip_nulls(json_build_object(
        'slug', c.slug,
        'name_ar', c.name_ar,
        'name_fr', c.name_fr,
        'name_en', c.name_en,
        'category', (SELECT k.code FROM centers_category k WHERE k.id = c.category_id),
        'status', c.status,
        'location_precision', c.public_location_precision,
        'region', (SELECT r.code FROM regions_region r WHERE r.id = c.region_id),
        'province', (SELECT p.code FROM regions_province p WHERE p.id = c.province_id),
        'commune', m.code,
        'commune_name_ar', m.name_ar,
        'commune_name_fr', m.name_fr,
        'phones', c.phones,
        'updated_at', c.{clock},
        'archived', c.archived,
        'distance_m', distance_m,
        'beyond_radius', beyond_radius
    ))
    FROM regions_commune m WHERE m.id = c.commune_id
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("centers", "0005_public_json"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="center",
            name="public_updated_at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="publicly updated at",
            ),
        ),
        migrations.RunSQL(
            "UPDATE centers_center SET public_updated_at = updated_at", migrations.RunSQL.noop
        ),
        migrations.RunSQL(
            PUBLIC_PROPERTIES.format(clock="public_updated_at"),
            PUBLIC_PROPERTIES.format(clock="updated_at"),
        ),
        migrations.AlterField(
            model_name="center",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.CreateModel(
            name="Helpline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=20, unique=True, verbose_name="number")),
                ("name_ar", models.CharField(max_length=200, verbose_name="name in Arabic")),
                ("name_fr", models.CharField(max_length=200, verbose_name="name in French")),
                ("name_en", models.CharField(max_length=200, verbose_name="name in English")),
                ("for_whom_ar", models.CharField(max_length=300, verbose_name="for whom (Arabic)")),
                ("for_whom_fr", models.CharField(max_length=300, verbose_name="for whom (French)")),
                (
                    "for_whom_en",
                    models.CharField(max_length=300, verbose_name="for whom (English)"),
                ),
                ("hours_ar", models.CharField(max_length=100, verbose_name="hours (Arabic)")),
                ("hours_fr", models.CharField(max_length=100, verbose_name="hours (French)")),
                ("hours_en", models.CharField(max_length=100, verbose_name="hours (English)")),
                ("run_by", models.CharField(max_length=400, verbose_name="run by")),
                (
                    "last_confirmed_year",
                    models.PositiveSmallIntegerField(
                        help_text="The year of the newest source that gives it.",
                        verbose_name="year last confirmed",
                    ),
                ),
                ("source_url", models.URLField(max_length=500, verbose_name="source")),
                (
                    "withdrawn",
                    models.BooleanField(
                        default=False,
                        help_text="A withdrawn number is shown nowhere.",
                        verbose_name="withdrawn",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="position in lists"),
                ),
                (
                    "categories",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Shown beside centers of these categories; none: beside every sensitive one.",
                        related_name="helplines",
                        to="centers.category",
                        verbose_name="categories",
                    ),
                ),
            ],
            options={
                "verbose_name": "helpline",
                "verbose_name_plural": "helplines",
                "ordering": ["position", "number"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalCategory",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, verbose_name="code")),
                ("name_ar", models.CharField(max_length=200, verbose_name="name in Arabic")),
                ("name_fr", models.CharField(max_length=200, verbose_name="name in French")),
                ("name_en", models.CharField(max_length=200, verbose_name="name in English")),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="position in lists"),
                ),
                ("description_ar", models.TextField(verbose_name="who it is for (Arabic)")),
                ("description_fr", models.TextField(verbose_name="who it is for (French)")),
                ("description_en", models.TextField(verbose_name="who it is for (English)")),
                (
                    "icon",
                    models.SlugField(
                        help_text="Name of an icon in static/icons/.",
                        max_length=40,
                        verbose_name="icon",
                    ),
                ),
                (
                    "color",
                    models.CharField(
                        help_text="Hexadecimal colour of its markers, e.g. #005a8c.",
                        max_length=7,
                        verbose_name="colour",
                    ),
                ),
                (
                    "sensitive",
                    models.BooleanField(
                        default=False,
                        help_text="Centers of a sensitive category are shown to the public at their commune's reference point only: their exact position never leaves the staff tools.",
                        verbose_name="sensitive",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical category",
                "verbose_name_plural": "historical categories",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalHelpline",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(db_index=True, max_length=20, verbose_name="number")),
                ("name_ar", models.CharField(max_length=200, verbose_name="name in Arabic")),
                ("name_fr", models.CharField(max_length=200, verbose_name="name in French")),
                ("name_en", models.CharField(max_length=200, verbose_name="name in English")),
                ("for_whom_ar", models.CharField(max_length=300, verbose_name="for whom (Arabic)")),
                ("for_whom_fr", models.CharField(max_length=300, verbose_name="for whom (French)")),
                (
                    "for_whom_en",
                    models.CharField(max_length=300, verbose_name="for whom (English)"),
                ),
                ("hours_ar", models.CharField(max_length=100, verbose_name="hours (Arabic)")),
                ("hours_fr", models.CharField(max_length=100, verbose_name="hours (French)")),
                ("hours_en", models.CharField(max_length=100, verbose_name="hours (English)")),
                ("run_by", models.CharField(max_length=400, verbose_name="run by")),
                (
                    "last_confirmed_year",
                    models.PositiveSmallIntegerField(
                        help_text="The year of the newest source that gives it.",
                        verbose_name="year last confirmed",
                    ),
                ),
                ("source_url", models.URLField(max_length=500, verbose_name="source")),
                (
                    "withdrawn",
                    models.BooleanField(
                        default=False,
                        help_text="A withdrawn number is shown nowhere.",
                        verbose_name="withdrawn",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="position in lists"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical helpline",
                "verbose_name_plural": "historical helplines",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalHelpline_categories",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="centers.category",
                    ),
                ),
                (
                    "helpline",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="centers.helpline",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="centers.historicalhelpline",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalHelpline_categories",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
