"""Settings of the app under benchmark: production, plus the two comparison views, with
the anonymous quota lifted so that the load is measured, not refused."""

from geo_directory.settings.production import *  # noqa: F403
from geo_directory.settings.production import REST_FRAMEWORK

ROOT_URLCONF = "benchmarks.urls"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anonymous": "1000000/second"},
}
