from django.urls import path

from retos.challenges import amendment_views, views

app_name = "challenges"

urlpatterns = [
    path("", views.challenge_list, name="list"),
    path("<slug:slug>/", views.challenge_detail, name="detail"),
    path("<slug:slug>/acciones/<slug:name>/", views.challenge_transition, name="transition"),
    path("<slug:slug>/enmiendas/", amendment_views.amendment_list, name="amendments"),
    path("<slug:slug>/enmiendas/nueva/", amendment_views.amend, name="amend"),
]
