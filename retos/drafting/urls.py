from django.urls import path

from retos.drafting import views

app_name = "drafting"

urlpatterns = [
    path("mis-retos/", views.my_challenges, name="my_challenges"),
    path("mis-retos/nuevo/", views.start, name="start"),
    path("retos/<slug:slug>/borrador/", views.overview, name="overview"),
    path("retos/<slug:slug>/borrador/<slug:step>/", views.step, name="step"),
    path("retos/<slug:slug>/vista-previa/", views.preview, name="preview"),
    path("retos/<slug:slug>/enviar-a-revision/", views.submit_for_review, name="submit_for_review"),
    path("revision/", views.review_queue, name="review_queue"),
    path("retos/<slug:slug>/revision/", views.review, name="review"),
    path("retos/<slug:slug>/revision/comentar/", views.comment, name="comment"),
    path("retos/<slug:slug>/revision/aprobar/", views.approve, name="approve"),
    path("retos/<slug:slug>/revision/programar/", views.schedule, name="schedule"),
    path(
        "retos/<slug:slug>/revision/solicitar-cambios/",
        views.request_changes,
        name="request_changes",
    ),
]
