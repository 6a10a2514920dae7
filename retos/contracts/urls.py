from django.urls import path, re_path

from retos.contracts import views

app_name = "contracts"

urlpatterns = [
    path("retos/<slug:slug>/contrato/", views.contract, name="contract"),
    path("retos/<slug:slug>/contrato/registrar/", views.award, name="award"),
    re_path(
        r"^retos/(?P<slug>[-a-zA-Z0-9_]+)/contrato/documento/(?P<sha256>[0-9a-f]{64})/$",
        views.contract_document,
        name="contract_document",
    ),
    path(
        "retos/<slug:slug>/contrato/hitos/<int:number>/avance/",
        views.milestone_progress,
        name="milestone_progress",
    ),
    path(
        "retos/<slug:slug>/contrato/hitos/<int:number>/enviar/",
        views.milestone_submit,
        name="milestone_submit",
    ),
    path(
        "retos/<slug:slug>/contrato/hitos/<int:number>/revisar/",
        views.milestone_review,
        name="milestone_review",
    ),
    path(
        "retos/<slug:slug>/contrato/hitos/<int:number>/pago/",
        views.payment_record,
        name="payment_record",
    ),
    path("retos/<slug:slug>/entrega/", views.delivery, name="delivery"),
    path(
        "retos/<slug:slug>/entrega/<int:number>/revisar/",
        views.delivery_review,
        name="delivery_review",
    ),
    path("catalogo/", views.catalog, name="catalog"),
    path("catalogo/<slug:slug>/", views.catalog_detail, name="catalog_detail"),
    path("catalogo/<slug:slug>/reutilizacion/", views.reuse_report, name="reuse_report"),
]
