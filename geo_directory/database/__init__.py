"""The project's database backend (ENGINE "geo_directory.database"): Django's PostGIS
backend, with time limits for each kind of caller (see `timeouts`)."""
