from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from assure.api.api import api

admin.site.site_header = "Assure administration"
admin.site.site_title = "Assure administration"

urlpatterns = [
    path("", include("assure.core.urls")),
    path("", include("assure.people.urls")),
    path("children/", include("assure.children.urls")),
    path("tracker/", include("assure.tracker.urls")),
    path("audits/", include("assure.audits.urls")),
    path("families/", include("assure.families.urls")),
    path("decisions/", include("assure.decisions.urls")),
    path("panels/", include("assure.panels.urls")),
    path("insights/", include("assure.insights.urls")),
    path("data-protection/", include("assure.governance.urls")),
    path("imports/", include("assure.imports.urls")),
    path("", include("assure.inbox.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("assure.people.oidc_urls")))

handler400 = "assure.core.views.error_400"
handler403 = "assure.core.views.error_403"
handler404 = "assure.core.views.error_404"
handler500 = "assure.core.views.error_500"
