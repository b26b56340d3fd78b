from django.contrib.postgres.operations import CreateExtension
from django.db import migrations


class Migration(migrations.Migration):
    """uuid_generate_v5, with which the database finds a record by its HSDS id
    (hsds/records.py)."""

    initial = True

    dependencies = []

    operations = [CreateExtension("uuid-ossp")]
