"""The API, version 1, mounted at /api/v1/ (outside the language prefixes: the same addresses
in every language; messages follow the request's Accept-Language)."""

from django.urls import path, re_path
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView

from retos.api import views

app_name = "api"


class SchemaView(SpectacularAPIView):
    # JSON first (the default answer); YAML with ?format=yaml or Accept: application/yaml.
    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("challenges/", views.ChallengeList.as_view(), name="challenge_list"),
    path("challenges/<slug:slug>/", views.ChallengeDetail.as_view(), name="challenge_detail"),
    path(
        "challenges/<slug:slug>/amendments/",
        views.AmendmentList.as_view(),
        name="amendment_list",
    ),
    path(
        "challenges/<slug:slug>/opening-act/",
        views.OpeningActDetail.as_view(),
        name="opening_act",
    ),
    path("challenges/<slug:slug>/questions/", views.QuestionList.as_view(), name="question_list"),
    path(
        "challenges/<slug:slug>/questions/<int:number>/answer/",
        views.QuestionAnswer.as_view(),
        name="question_answer",
    ),
    path(
        "challenges/<slug:slug>/questions/<int:number>/decline/",
        views.QuestionDecline.as_view(),
        name="question_decline",
    ),
    path(
        "challenges/<slug:slug>/transitions/",
        views.ChallengeTransitions.as_view(),
        name="challenge_transitions",
    ),
    path("bodies/", views.BodyList.as_view(), name="body_list"),
    path("bodies/<slug:slug>/", views.BodyDetail.as_view(), name="body_detail"),
    path("companies/", views.CompanyList.as_view(), name="company_list"),
    path("companies/<slug:slug>/", views.CompanyDetail.as_view(), name="company_detail"),
    path("proposals/", views.ProposalList.as_view(), name="proposal_list"),
    path("proposals/<uuid:public_id>/", views.ProposalDetail.as_view(), name="proposal_detail"),
    path(
        "proposals/<uuid:public_id>/admissibility/",
        views.ProposalAdmissibility.as_view(),
        name="proposal_admissibility",
    ),
    path("scores/", views.ScoreList.as_view(), name="score_list"),
    path("decisions/", views.DecisionList.as_view(), name="decision_list"),
    path("awards/", views.AwardList.as_view(), name="award_list"),
    path("contracts/", views.ContractList.as_view(), name="contract_list"),
    path("milestones/", views.MilestoneList.as_view(), name="milestone_list"),
    path("catalog/", views.CatalogList.as_view(), name="catalog_list"),
    path("catalog/<slug:slug>/", views.CatalogDetail.as_view(), name="catalog_detail"),
    path("me/", views.Me.as_view(), name="me"),
    path("me/proposals/", views.MyProposals.as_view(), name="my_proposals"),
    path(
        "me/proposals/<uuid:public_id>/",
        views.MyProposalDetail.as_view(),
        name="my_proposal_detail",
    ),
    path(
        "me/proposals/<uuid:public_id>/draft/",
        views.MyProposalDraft.as_view(),
        name="my_proposal_draft",
    ),
    path(
        "me/proposals/<uuid:public_id>/submit/",
        views.MyProposalSubmit.as_view(),
        name="my_proposal_submit",
    ),
    path(
        "me/proposals/<uuid:public_id>/withdraw/",
        views.MyProposalWithdraw.as_view(),
        name="my_proposal_withdraw",
    ),
    # The documentation page (docs/) is a page of the site, in each language (page_urls.py);
    # anything else here is the API's JSON 404.
    re_path(r"^(?!docs/)[\s\S]*$", views.NotFound.as_view(), name="not_found"),
]
