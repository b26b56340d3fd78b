"""The public API's router: every app registers its read-only ViewSets here."""

from rest_framework.routers import DefaultRouter

from centers.api import CenterViewSet
from planning.api import CoverageViewSet
from regions.api import CommuneViewSet, PlaceViewSet, ProvinceViewSet, RegionViewSet

router = DefaultRouter()
router.register("centers", CenterViewSet, basename="center")
router.register("regions", RegionViewSet)
router.register("provinces", ProvinceViewSet)
router.register("communes", CommuneViewSet)
router.register("places", PlaceViewSet, basename="place")
router.register("coverage", CoverageViewSet, basename="coverage")
