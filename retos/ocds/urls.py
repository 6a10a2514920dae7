from django.urls import path, re_path

from retos.ocds import views

app_name = "ocds"

# Mounted at /ocds/, outside the language prefix: the files are the same in every language.
urlpatterns = [
    path("", views.index, name="index"),
    re_path(
        r"^(?P<dataset>releases|records)\.(?P<fmt>json|jsonl|json\.gz|jsonl\.gz)$",
        views.download,
        name="file",
    ),
    re_path(
        r"^releases/(?P<ocid>[A-Za-z0-9-]+)\.json$", views.release_package, name="release_package"
    ),
    re_path(
        r"^records/(?P<ocid>[A-Za-z0-9-]+)\.json$", views.record_package, name="record_package"
    ),
]
