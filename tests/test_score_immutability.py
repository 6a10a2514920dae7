"""A submitted score cannot be changed by any path: the services, the admin site (a superuser
posting to the change and delete views), the ORM, and raw SQL (the database trigger in
``retos/evaluation/triggers.py`` refuses UPDATE and DELETE of a submitted row).

Runs on SQLite by default; on PostgreSQL:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/retos_panel .venv/bin/python -m pytest -q
tests/test_score_immutability.py``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from retos.core.errors import DomainError
from retos.evaluation import services
from retos.evaluation.models import ConflictDeclaration, PanelMember, Score
from tests.evaluation_helpers import score
from tests.evaluation_panel_helpers import in_evaluation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    challenge, proposals, experts = in_evaluation(1, experts=2)
    expert = experts[1]
    services.scores_record(
        member=expert,
        proposal=proposals[0],
        actor=expert.user,
        entries={c.pk: ("4.5", "Justificación original.") for c in challenge.criteria.all()},
        submit=True,
    )
    original = Score.objects.filter(member=expert).order_by("id").first()
    return challenge, proposals, experts, original


def unchanged(original: Score) -> bool:
    row = Score.objects.get(pk=original.pk)
    return (row.value, row.justification, row.submitted_at) == (
        original.value,
        original.justification,
        original.submitted_at,
    )


def test_the_services_refuse_to_change_a_submitted_score(submitted):
    _challenge, proposals, experts, original = submitted
    expert = experts[1]
    with pytest.raises(DomainError):
        services.score_save(
            member=expert,
            proposal=proposals[0],
            criterion=original.criterion,
            value="9",
            justification="Otra.",
            actor=expert.user,
        )
    with pytest.raises(DomainError):
        services.scores_record(
            member=expert,
            proposal=proposals[0],
            actor=expert.user,
            entries={original.criterion_id: ("9", "Otra.")},
            submit=False,
        )
    with pytest.raises(DomainError):
        services.scores_submit(member=expert, proposal=proposals[0], actor=expert.user)
    # A correction adds a row; it never touches the original.
    services.score_correct(
        score=original, value="9", justification="J.", reason="R.", actor=experts[0].user
    )
    assert unchanged(original)


def test_the_orm_cannot_update_or_delete_a_submitted_score(submitted):
    *_rest, original = submitted
    with pytest.raises(DatabaseError), transaction.atomic():
        Score.objects.filter(pk=original.pk).update(value=Decimal(10))
    original_obj = Score.objects.get(pk=original.pk)
    original_obj.justification = "Cambiada."
    with pytest.raises(DatabaseError), transaction.atomic():
        original_obj.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        Score.objects.filter(pk=original.pk).delete()
    assert unchanged(original)


def test_raw_sql_cannot_update_or_delete_a_submitted_score(submitted):
    *_rest, original = submitted
    table = Score._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = 10 WHERE id = %s", [original.pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET submitted_at = NULL WHERE id = %s",  # noqa: S608
            [original.pk],
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [original.pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert unchanged(original)


def test_a_draft_may_change_and_be_removed_the_trigger_only_guards_submitted_rows(submitted):
    challenge, proposals, experts, _original = submitted
    draft = score(experts[0], proposals[0], challenge.criteria.first(), 5, submitted=False)
    Score.objects.filter(pk=draft.pk).update(value=Decimal(6))
    assert Score.objects.get(pk=draft.pk).value == Decimal(6)
    Score.objects.filter(pk=draft.pk).delete()
    assert not Score.objects.filter(pk=draft.pk).exists()


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_the_admin_shows_a_score_but_refuses_to_change_it(superuser_client, submitted):
    *_rest, original = submitted
    change = reverse("admin:evaluation_score_change", args=[original.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = superuser_client.post(
        change,
        {
            "member": original.member_id,
            "proposal": original.proposal_id,
            "criterion": original.criterion_id,
            "round": original.round,
            "value": "10.0",
            "justification": "Cambiada por el admin.",
            "entered_by": original.entered_by_id,
            "_save": "Guardar",
        },
    )
    assert response.status_code == 403
    assert unchanged(original)


def test_the_admin_refuses_to_delete_or_add_scores(superuser_client, submitted):
    *_rest, original = submitted
    delete = reverse("admin:evaluation_score_delete", args=[original.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert Score.objects.filter(pk=original.pk).exists()
    add = reverse("admin:evaluation_score_add")
    assert superuser_client.get(add).status_code == 403
    changelist = reverse("admin:evaluation_score_changelist")
    response = superuser_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [original.pk]}
    )
    assert Score.objects.filter(pk=original.pk).exists()
    assert response.status_code in (200, 302, 403)


@pytest.mark.parametrize("model", [PanelMember, ConflictDeclaration])
def test_the_panel_and_declarations_are_read_only_in_the_admin(superuser_client, model, submitted):
    row = model.objects.first()
    opts = model._meta
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert "token_sha256" not in page.content.decode()
    assert superuser_client.post(change, {}).status_code == 403
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()
