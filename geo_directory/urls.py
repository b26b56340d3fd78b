from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from centers import views as center_views

from .api import router
from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(router.urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# Arabic, the default language, has no prefix: / is Arabic, /fr/ French, /en/ English.
urlpatterns += i18n_patterns(
    path("", center_views.home, name="home"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
