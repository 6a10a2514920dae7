from django.urls import path

from retos.organizations import views

app_name = "organizations"

urlpatterns = [
    path("organismos/", views.body_list, name="body_list"),
    path("organismos/<slug:slug>/", views.body_detail, name="detail"),
    path("organizaciones/registrar/gobierno/", views.register_body, name="register_body"),
    path("organizaciones/registrar/empresa/", views.register_company, name="register_company"),
    path("organizaciones/<slug:slug>/invitar/", views.invite, name="invite"),
    path("organizaciones/<slug:slug>/verificar/", views.verify, name="verify"),
    path("invitaciones/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
