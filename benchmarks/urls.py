from django.urls import path

from geo_directory.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("bench/floor/", views.floor_nearest),
    path("bench/common/", views.CommonNearest.as_view()),
    path("bench/orm/", views.OrmNearest.as_view()),
    *site_urlpatterns,
]
