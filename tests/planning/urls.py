"""The project's addresses, with the coverage pages wired as they are meant to be: the
staff pages under the admin's address, the API on the router. Ahead of the project's
own patterns, so that the tests pass whether or not those already include them."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from geo_directory.urls import urlpatterns as project_urlpatterns
from planning.api import CoverageViewSet

router = SimpleRouter()
router.register("coverage", CoverageViewSet, basename="coverage")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    *i18n_patterns(
        path("admin/planning/", include("planning.urls")), prefix_default_language=False
    ),
    *project_urlpatterns,
]
