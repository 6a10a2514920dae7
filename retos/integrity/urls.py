from django.urls import path

from retos.integrity import views

app_name = "integrity"

urlpatterns = [
    path("", views.overview, name="overview"),
]
