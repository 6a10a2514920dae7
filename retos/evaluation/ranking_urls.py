"""The ranking and the finalists' confirmation (included by ``retos/urls.py``)."""

from django.urls import path

from retos.evaluation import ranking_views

app_name = "ranking"
urlpatterns = [
    path("retos/<slug:slug>/evaluacion/ranking/", ranking_views.ranking, name="ranking"),
    path(
        "retos/<slug:slug>/finalistas/confirmar/",
        ranking_views.confirm_finalists,
        name="confirm_finalists",
    ),
]
