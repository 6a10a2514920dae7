"""The API's pages, in each language (included in i18n_patterns): the tokens of one's account
and the documentation."""

from django.urls import path

from retos.api import pages

app_name = "api_pages"

urlpatterns = [
    path("cuenta/api/", pages.tokens, name="tokens"),
    path("cuenta/api/<int:pk>/revocar/", pages.token_revoke, name="token_revoke"),
    path("api/v1/docs/", pages.docs, name="docs"),
]
