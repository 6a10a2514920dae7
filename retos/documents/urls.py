from django.urls import path, re_path

from retos.documents import views

app_name = "documents"

urlpatterns = [
    path("retos/<slug:slug>/documentos/", views.challenge_documents, name="challenge_documents"),
    path(
        "retos/<slug:slug>/documentos/<int:pk>/quitar/",
        views.challenge_document_remove,
        name="challenge_document_remove",
    ),
    re_path(
        r"^documentos/(?P<pk>[0-9]+)/(?P<sha256>[0-9a-f]{64})/$", views.download, name="download"
    ),
]
