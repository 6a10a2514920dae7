from django.urls import path

from retos.opendata import views

app_name = "opendata"

#: The open-data page, in each language (included in i18n_patterns).
urlpatterns = [
    path("datos/", views.index, name="index"),
]

#: The files, the same in every language (included under /datos/ outside i18n_patterns).
data_urlpatterns = [
    path("<slug:dataset>.<str:fmt>", views.download, name="opendata_file"),
]
