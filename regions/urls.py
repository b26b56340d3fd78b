from django.urls import path

from .api import ProvinceBoundariesView, RegionBoundariesView

# Registered on the API router in geo_directory/api.py: regions, provinces, communes, places.
urlpatterns = [
    path("regions/boundaries.geojson", RegionBoundariesView.as_view(), name="region-boundaries"),
    path(
        "regions/<str:code>/provinces.geojson",
        ProvinceBoundariesView.as_view(),
        name="province-boundaries",
    ),
]
