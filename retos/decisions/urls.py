from django.urls import path

from retos.decisions import views

app_name = "decisions"

urlpatterns = [
    path("propuestas/<uuid:public_id>/demo/", views.demo, name="demo"),
    path("propuestas/<uuid:public_id>/demo/cita.ics", views.demo_calendar, name="demo_calendar"),
    path("retos/<slug:slug>/demos/agenda/", views.agenda, name="agenda"),
    path("retos/<slug:slug>/demos/agenda/<uuid:public_id>/", views.slot, name="slot"),
    path("retos/<slug:slug>/fallo/", views.public, name="public"),
    path("retos/<slug:slug>/fallo/pdf/", views.decision_pdf, name="pdf"),
    path("retos/<slug:slug>/fallo/datos.json", views.decision_data, name="data"),
    path("retos/<slug:slug>/fallo/decidir/", views.decide, name="decide"),
]
