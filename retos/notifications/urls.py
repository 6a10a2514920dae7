from django.urls import path

from retos.notifications import feeds, views

app_name = "notifications"

urlpatterns = [
    path("notificaciones/", views.notification_list, name="list"),
    path("notificaciones/leidas/", views.notification_read_all, name="read_all"),
    path("notificaciones/<int:pk>/leida/", views.notification_read, name="read"),
    path("notificaciones/preferencias/", views.preferences, name="preferences"),
    path("retos/<slug:slug>/seguir/", views.follow, name="follow"),
    path("retos/<slug:slug>/dejar-de-seguir/", views.unfollow, name="unfollow"),
    path("retos/<slug:slug>/calendario.ics", views.challenge_calendar, name="calendar"),
    path("feeds/retos.atom", feeds.ChallengeFeed(), name="feed"),
    path("organismos/<slug:slug>/retos.atom", feeds.BodyChallengeFeed(), name="body_feed"),
    path("estados/<str:code>/retos.atom", feeds.StateChallengeFeed(), name="state_feed"),
]
