"""Under /api/v1/hsds/: the paths of HSDS's API template (openapi.json), lists with a
trailing slash as the rest of the API, records by id without one, as HSDS writes them."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.RootView.as_view(), name="hsds-root"),
    path("services/", api.ServicesView.as_view(), name="hsds-services"),
    path("services/<uuid:id>", api.ServiceView.as_view(), name="hsds-service"),
    path("organizations/", api.OrganizationsView.as_view(), name="hsds-organizations"),
    path("organizations/<uuid:id>", api.OrganizationView.as_view(), name="hsds-organization"),
    path("locations/", api.LocationsView.as_view(), name="hsds-locations"),
    path("locations/<uuid:id>", api.LocationView.as_view(), name="hsds-location"),
    path(
        "service_at_locations/",
        api.ServiceAtLocationsView.as_view(),
        name="hsds-service-at-locations",
    ),
    path(
        "service_at_locations/<uuid:id>",
        api.ServiceAtLocationView.as_view(),
        name="hsds-service-at-location",
    ),
    path("package.zip", api.PackageView.as_view(), name="hsds-package"),
]
