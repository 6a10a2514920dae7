"""Addresses of the social witness app (included by ``retos/urls.py`` inside the language
patterns, prefix "")."""

from django.urls import path

from retos.witness import views

app_name = "witness"

urlpatterns = [
    path("retos/<slug:slug>/testigo-social/", views.observations, name="observations"),
    path("retos/<slug:slug>/testigo-social/observar/", views.observe, name="observe"),
    path("retos/<slug:slug>/testigo-social/expediente/", views.dossier, name="dossier"),
    path("retos/<slug:slug>/testigo-social/designar/", views.assign, name="assign"),
    path(
        "retos/<slug:slug>/testigo-social/<uuid:public_id>/revocar/",
        views.revoke,
        name="revoke",
    ),
]
