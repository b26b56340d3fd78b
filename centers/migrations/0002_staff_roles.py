"""The two staff roles: national administrators see and edit every region; regional
editors see and edit the centers of the regions they are assigned to."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NATIONAL_ADMINISTRATORS = "National administrators"
REGIONAL_EDITORS = "Regional editors"

ROLE_PERMISSIONS = {
    NATIONAL_ADMINISTRATORS: [
        ("centers", "manage_all_regions"),
        ("centers", "view_center"),
        ("centers", "add_center"),
        ("centers", "change_center"),
        ("centers", "view_category"),
        ("centers", "change_category"),
        ("centers", "view_service"),
        ("centers", "add_service"),
        ("centers", "change_service"),
        ("centers", "view_accessibilityfeature"),
        ("centers", "add_accessibilityfeature"),
        ("centers", "change_accessibilityfeature"),
        ("centers", "view_staffassignment"),
        ("centers", "add_staffassignment"),
        ("centers", "change_staffassignment"),
        ("centers", "delete_staffassignment"),
        ("auth", "view_user"),
        ("auth", "add_user"),
        ("auth", "change_user"),
    ],
    REGIONAL_EDITORS: [
        ("centers", "view_center"),
        ("centers", "add_center"),
        ("centers", "change_center"),
        ("centers", "view_category"),
        ("centers", "view_service"),
        ("centers", "view_accessibilityfeature"),
    ],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        for app_label, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("centers", "0001_centers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
