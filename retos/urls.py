from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from retos.challenges import views as challenge_views
from retos.core import views as core_views
from retos.ledger.urls import data_urlpatterns as ledger_data_urlpatterns
from retos.opendata.urls import data_urlpatterns as opendata_data_urlpatterns

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("_ping", core_views.ping, name="ping"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("transparency/", include(ledger_data_urlpatterns)),
    path("datos/", include(opendata_data_urlpatterns)),
    path("ocds/", include("retos.ocds.urls")),
    path("api/v1/", include("retos.api.urls")),
]

# Spanish at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("", challenge_views.home, name="home"),
    path("retos/", include("retos.challenges.urls")),
    path("cuenta/", include("retos.accounts.urls")),
    # The API's pages: the tokens of one's account (cuenta/api/) and the documentation.
    path("", include("retos.api.page_urls")),
    path("", include("retos.organizations.urls")),
    path("", include("retos.clarifications.urls")),
    path("", include("retos.notifications.urls")),
    path("", include("retos.documents.urls")),
    path("", include("retos.drafting.urls")),
    path("", include("retos.proposals.urls")),
    path("", include("retos.evaluation.urls")),
    path("", include("retos.evaluation.ranking_urls")),
    path("", include("retos.decisions.urls")),
    path("", include("retos.decisions.complaint_urls")),
    path("", include("retos.contracts.urls")),
    path("", include("retos.witness.urls")),
    path("", include("retos.ledger.urls")),
    path("", include("retos.opendata.urls")),
    path("estadisticas/alertas/", include("retos.integrity.urls")),
    path("estadisticas/", include("retos.statistics.urls")),
    prefix_default_language=False,
)
