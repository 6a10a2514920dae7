"""Addresses of the panel (the approver's), the invitation, and the evaluators' pages.

Proposals under evaluation are addressed by their blind code (``blind.blind_code``), never by
the public id the opening act publishes next to the company.
"""

from django.urls import path

from retos.evaluation import views

app_name = "evaluation"

urlpatterns = [
    # The body's approver.
    path("retos/<slug:slug>/panel/", views.panel, name="panel"),
    path("retos/<slug:slug>/panel/ajustes/", views.settings_page, name="settings"),
    path(
        "retos/<slug:slug>/panel/<uuid:member_id>/presidir/",
        views.set_chair,
        name="set_chair",
    ),
    # The invitee.
    path("evaluacion/invitacion/<str:token>/", views.invitation, name="invitation"),
    # Members.
    path("evaluacion/", views.mine, name="mine"),
    path("evaluacion/<slug:slug>/", views.challenge_evaluation, name="challenge"),
    path("evaluacion/<slug:slug>/conflictos/", views.conflicts, name="conflicts"),
    path(
        "evaluacion/<slug:slug>/propuestas/<str:code>/",
        views.proposal,
        name="proposal",
    ),
    path(
        "evaluacion/<slug:slug>/propuestas/<str:code>/anexos/<int:number>/",
        views.attachment,
        name="attachment",
    ),
    path(
        "evaluacion/<slug:slug>/propuestas/<str:code>/puntajes/",
        views.score,
        name="score",
    ),
    # The chair (and the approver, read-only).
    path("evaluacion/<slug:slug>/avance/", views.progress, name="progress"),
    path(
        "evaluacion/<slug:slug>/avance/<str:code>/",
        views.proposal_scores,
        name="proposal_scores",
    ),
    path(
        "evaluacion/<slug:slug>/puntajes/<int:score_id>/corregir/",
        views.correct,
        name="correct",
    ),
]
