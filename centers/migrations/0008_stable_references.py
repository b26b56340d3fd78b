"""Every center has a stable reference from birth: those created without one get one."""

import uuid

from django.db import migrations, models


def give_references(apps, schema_editor):
    Center = apps.get_model("centers", "Center")
    for center in Center.objects.filter(external_ref__isnull=True).only("id"):
        center.external_ref = f"ref-{uuid.uuid4().hex[:12]}"
        center.save(update_fields=["external_ref"])
    # History keeps what was true then: no reference, now written as an empty one.
    apps.get_model("centers", "HistoricalCenter").objects.filter(external_ref__isnull=True).update(
        external_ref=""
    )


class Migration(migrations.Migration):
    dependencies = [("centers", "0007_view_all_regions")]

    operations = [
        migrations.RunPython(give_references, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="center",
            name="external_ref",
            field=models.CharField(
                blank=True,
                help_text="The center's reference in sheets; unique. Left empty, one is made when the center is saved.",
                max_length=100,
                unique=True,
                verbose_name="external reference",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcenter",
            name="external_ref",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="The center's reference in sheets; unique. Left empty, one is made when the center is saved.",
                max_length=100,
                verbose_name="external reference",
            ),
        ),
    ]
