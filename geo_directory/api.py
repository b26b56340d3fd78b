"""The public API's router: every app registers its read-only ViewSets here."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
