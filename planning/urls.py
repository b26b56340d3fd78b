"""The staff coverage pages; included under the admin's address (staff only)."""

from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/export.csv", views.coverage_csv, name="coverage-csv"),
    path("coverage/boundaries.geojson", views.coverage_geojson, name="coverage-geojson"),
]
