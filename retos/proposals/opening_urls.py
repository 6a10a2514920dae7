"""The opening act and the officials' side of proposals (included by ``urls.py``)."""

from django.urls import path

from retos.proposals import opening_views

urlpatterns = [
    path(
        "retos/<slug:slug>/apertura/",
        opening_views.confirm_opening,
        name="confirm_opening",
    ),
    path(
        "retos/<slug:slug>/acta-de-apertura/",
        opening_views.opening_act,
        name="opening_act",
    ),
    path(
        "retos/<slug:slug>/acta-de-apertura/pdf/",
        opening_views.opening_act_pdf,
        name="opening_act_pdf",
    ),
    path(
        "retos/<slug:slug>/acta-de-apertura/datos.json",
        opening_views.opening_act_json,
        name="opening_act_json",
    ),
    path(
        "retos/<slug:slug>/propuestas/",
        opening_views.opened_list,
        name="opened_list",
    ),
    path(
        "propuestas/<uuid:public_id>/admisibilidad/",
        opening_views.admissibility,
        name="admissibility",
    ),
]
