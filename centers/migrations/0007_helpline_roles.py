"""National administrators keep the helplines true and read the categories' history."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NATIONAL_ADMINISTRATORS = "National administrators"
PERMISSIONS = [
    "view_helpline",
    "add_helpline",
    "change_helpline",
    "view_historicalcategory",
    "view_historicalhelpline",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("centers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=NATIONAL_ADMINISTRATORS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="centers", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=NATIONAL_ADMINISTRATORS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="centers", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [("centers", "0006_helplines_public_clock"), ("centers", "0002_staff_roles")]

    operations = [migrations.RunPython(grant, revoke)]
