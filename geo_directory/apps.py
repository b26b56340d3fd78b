from django.apps import AppConfig


class GeoDirectoryConfig(AppConfig):
    """The project package, as an app for project-wide commands (backup, restore)."""

    name = "geo_directory"
    verbose_name = "Geo directory"
