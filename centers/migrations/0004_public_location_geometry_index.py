from django.db import migrations


class Migration(migrations.Migration):
    """Bounding-box searches compare the public position as geometry (meridians and
    parallels as the box's edges); this index answers them."""

    dependencies = [("centers", "0003_public_address")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX center_public_location_geometry "
            "ON centers_center USING gist ((public_location::geometry))",
            "DROP INDEX center_public_location_geometry",
        )
    ]
