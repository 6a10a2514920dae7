"""Helpers for tests of proposals: complete sections, a company with a member, a submitted
proposal, a challenge taken past its deadline and opened by two officers."""

from __future__ import annotations

import io
from datetime import timedelta

import time_machine
from django.utils import timezone

from retos.organizations.models import Role
from retos.proposals import services
from tests.factories import CompanyFactory, MembershipFactory

MARKER = "MARCADOR-SELLADO-7f3a"


def complete_sections(marker: str = MARKER, price: str = "990000.00") -> dict:
    return {
        "summary": f"Resumen {marker}",
        "understanding": f"Entendimiento del problema {marker}",
        "solution": f"Solución propuesta {marker}",
        "technical_approach": "Django, PostgreSQL, despliegue en contenedores.",
        "ux_approach": "Entrevistas y pruebas con usuarias en tres municipios.",
        "work_plan": [
            {"title": "Descubrimiento", "weeks": 2, "deliverable": "Informe"},
            {"title": "Versión piloto", "weeks": 8, "deliverable": "Piloto en producción"},
        ],
        "team": [{"name": "Ana López", "role": "Dirección técnica"}],
        "price": price,
        "licence": "MIT",
        "links": ["https://example.org/trabajo-previo"],
    }


def company_member(company=None, role=Role.MEMBER):
    company = company or CompanyFactory()
    return company, MembershipFactory(organization=company, role=role).user


def pdf_file(marker: str = MARKER, name: str = "propuesta.pdf"):
    data = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + marker.encode() + b"\n%%EOF\n"
    handle = io.BytesIO(data)
    handle.name = name
    handle.size = len(data)
    return handle


def started_proposal(challenge, *, company=None, actor=None):
    if actor is None:
        company, actor = company_member(company)
    proposal = services.proposal_start(challenge=challenge, company=company, actor=actor)
    return proposal, actor


def submitted_proposal(challenge, *, company=None, marker: str = MARKER, attach: bool = True):
    proposal, actor = started_proposal(challenge, company=company)
    services.proposal_save(proposal=proposal, actor=actor, changes=complete_sections(marker))
    if attach:
        services.proposal_attach(proposal=proposal, actor=actor, file=pdf_file(marker))
    version = services.proposal_submit(proposal=proposal, actor=actor)
    return proposal, actor, version


def opening_officers(body, count: int = 2):
    return [
        MembershipFactory(organization=body, role=Role.OPENING_OFFICER).user for _ in range(count)
    ]


def past_deadline(challenge, minutes: int = 5):
    """A time-machine travel to just after the challenge's deadline."""
    return time_machine.travel(challenge.submissions_close_at + timedelta(minutes=minutes))


def open_challenge(challenge):
    """Two officers confirm the opening act (the clock must be past the deadline)."""
    first, second = opening_officers(challenge.body)
    services.opening_confirm(challenge=challenge, actor=first)
    return services.opening_confirm(challenge=challenge, actor=second)


def now():
    return timezone.now()
