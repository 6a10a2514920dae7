from django.urls import path

from retos.challenges import views

app_name = "challenges"

urlpatterns = [
    path("", views.challenge_list, name="list"),
    path("<slug:slug>/", views.challenge_detail, name="detail"),
    path("<slug:slug>/acciones/<slug:name>/", views.challenge_transition, name="transition"),
]
