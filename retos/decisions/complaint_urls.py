from django.urls import path

from retos.decisions import complaint_views as views

app_name = "complaints"

urlpatterns = [
    path("retos/<slug:slug>/inconformidades/", views.complaint_list, name="list"),
    path("retos/<slug:slug>/inconformidades/nueva/", views.complaint_new, name="new"),
    path(
        "retos/<slug:slug>/inconformidades/<int:number>/",
        views.complaint_detail,
        name="detail",
    ),
    path(
        "retos/<slug:slug>/inconformidades/<int:number>/respuesta/",
        views.complaint_move,
        name="move",
    ),
    path(
        "retos/<slug:slug>/inconformidades/<int:number>/desistimiento/",
        views.complaint_withdraw,
        name="withdraw",
    ),
    path(
        "retos/<slug:slug>/inconformidades/<int:number>/pruebas/<int:evidence_id>/",
        views.evidence_download,
        name="evidence",
    ),
]
