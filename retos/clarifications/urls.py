from django.urls import path

from retos.clarifications import views

app_name = "clarifications"

urlpatterns = [
    path("retos/<slug:slug>/aclaraciones/preguntar/", views.ask, name="ask"),
    path("retos/<slug:slug>/aclaraciones/gestionar/", views.manage, name="manage"),
    path("retos/<slug:slug>/aclaraciones/<int:number>/responder/", views.answer, name="answer"),
    path("retos/<slug:slug>/aclaraciones/<int:number>/declinar/", views.decline, name="decline"),
    path("retos/<slug:slug>/acta-aclaraciones/", views.minutes, name="minutes"),
    path("retos/<slug:slug>/acta-aclaraciones/pdf/", views.minutes_pdf, name="minutes_pdf"),
]
