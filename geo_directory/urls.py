from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from public_site import views as site
from suggestions import views as suggestions

from .api import router
from .health import healthz, security_txt
from .problems import problem_types

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", site.favicon, name="favicon"),
    # At the root: a service worker's scope is the folder of its address.
    path("service-worker.js", site.service_worker, name="service-worker"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    path("api/v1/problems/", problem_types, name="problem-types"),
    path("api/v1/problems/<slug:slug>", problem_types, name="problem-type"),
    path("api/v1/", include("regions.urls")),
    path("api/v1/", include(router.urls)),
    path("api/v1/hsds/", include("hsds.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"
    ),
]

# Arabic, the default language, has no prefix: / is Arabic, /fr/ French, /en/ English.
urlpatterns += i18n_patterns(
    path("", site.home, name="home"),
    path("manifest.webmanifest", site.web_app_manifest, name="web-app-manifest"),
    path("centers/<str:slug>/", site.center_detail, name="center-detail"),
    path("centers/<str:slug>/suggest/", suggestions.suggest_for_center, name="suggest-center"),
    path("regions/", site.region_list, name="region-list"),
    path("regions/<str:code>/", site.region_detail, name="region-detail"),
    path("regions/<str:code>/suggest/", suggestions.suggest_for_region, name="suggest-region"),
    path("suggestions/received/<str:receipt>/", suggestions.received, name="suggestion-received"),
    # Before the admin, whose catch-all would take it: staff pages of the planning tools.
    path("admin/planning/", include("planning.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler404 = "geo_directory.errors.page_not_found"
handler500 = "geo_directory.errors.server_error"
