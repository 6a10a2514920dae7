from django.urls import path

from retos.proposals import opening_urls, views

app_name = "proposals"

urlpatterns = [
    path("retos/<slug:slug>/propuesta/", views.start, name="start"),
    path("mis-propuestas/", views.dashboard, name="dashboard"),
    path("propuestas/<uuid:public_id>/", views.detail, name="detail"),
    path("propuestas/<uuid:public_id>/editar/<slug:step>/", views.edit, name="edit"),
    path(
        "propuestas/<uuid:public_id>/adjuntos/<uuid:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "propuestas/<uuid:public_id>/adjuntos/<uuid:attachment_id>/quitar/",
        views.detach,
        name="detach",
    ),
    path("propuestas/<uuid:public_id>/enviar/", views.submit, name="submit"),
    path("propuestas/<uuid:public_id>/retirar/", views.withdraw, name="withdraw"),
    path("propuestas/<uuid:public_id>/acuses/<str:folio>/", views.receipt, name="receipt"),
    path(
        "propuestas/<uuid:public_id>/acuses/<str:folio>/pdf/",
        views.receipt_pdf,
        name="receipt_pdf",
    ),
]

urlpatterns += opening_urls.urlpatterns
