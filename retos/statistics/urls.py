from django.urls import path

from retos.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.statistics, name="index"),
]
