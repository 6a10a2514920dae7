"""Company onboarding: legal representative, sworn declarations, size and eligibility."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation
from stdnum.mx import rfc as stdnum_rfc

from retos.core.errors import DomainError
from retos.ledger.models import Event
from retos.organizations import services
from retos.organizations.models import Organization, State
from retos.organizations.selectors import company_eligibility
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/en/organizaciones/registrar/empresa/"


def valid_rfc(prefix="SAB150101AB"):
    return prefix + stdnum_rfc.calc_check_digit(prefix)


def form_data(**overrides):
    data = {
        "name": "Datos Abiertos S.C.",
        "rfc": valid_rfc(),
        "sector": "services",
        "workers": "5",
        "annual_sales": "1500000",
        "state": "09",
        "legal_representative_name": "Ana Lucía Torres Medina",
        "legal_representative_title": "Directora general",
        "declares_sme": "on",
        "declares_no_conflict": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def register(user, **overrides):
    fields = {
        "name": "Código Abierto Jalisco S.A. de C.V.",
        "rfc": valid_rfc(),
        "sector": "services",
        "workers": 8,
        "annual_sales": Decimal("3200000"),
        "state": State.objects.get(code="14"),
        "legal_representative_name": "Ana Lucía Torres Medina",
        "legal_representative_title": "Directora general",
        "declares_sme": True,
        "declares_no_conflict": True,
    }
    fields.update(overrides)
    return services.company_register(actor=user, **fields)


class TestRegistrationPage:
    def test_the_declarations_and_the_representative_are_required_with_linked_errors(self, client):
        client.force_login(UserFactory())
        response = client.post(
            URL,
            form_data(
                legal_representative_name=None,
                legal_representative_title=None,
                declares_sme=None,
                declares_no_conflict=None,
            ),
        )
        assert response.status_code == 200
        assert not Organization.objects.companies().exists()
        text = response.text
        for field in (
            "legal_representative_name",
            "legal_representative_title",
            "declares_sme",
            "declares_no_conflict",
        ):
            assert f'href="#id_{field}"' in text
            assert f'id="id_{field}_error"' in text
        assert "Give the full name of the company&#x27;s legal representative." in text
        assert "a company cannot register without it" in text

    def test_a_registration_stamps_who_declared_and_when(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(URL, form_data())
        assert response.status_code == 302
        company = Organization.objects.companies().get()
        assert company.legal_representative_name == "Ana Lucía Torres Medina"
        assert company.legal_representative_title == "Directora general"
        assert company.sme_declared_by == user and company.no_conflict_declared_by == user
        assert company.sme_declared_at is not None
        assert company.no_conflict_declared_at == company.sme_declared_at
        event = Event.objects.get(action="organization.registered")
        assert event.payload["declarations"] == ["sme_size", "no_conflict_of_interest"]

    def test_the_computed_size_is_shown_after_the_figures(self, client):
        client.force_login(UserFactory())
        response = client.post(URL, form_data(declares_sme=None))
        assert response.status_code == 200
        text = response.text
        assert 'id="size-result"' in text
        assert "<strong>Micro</strong>" in text
        # Right after the figures, before the rest of the form.
        assert text.index("id_annual_sales") < text.index("size-result") < text.index("id_name")

    def test_checking_the_size_alone_registers_nothing_and_shows_no_errors(self, client):
        client.force_login(UserFactory())
        response = client.post(
            URL,
            {"action": "size", "sector": "services", "workers": "40", "annual_sales": "60000000"},
        )
        assert response.status_code == 200
        assert "<strong>Small</strong>" in response.text
        assert "error-summary" not in response.text
        assert not Organization.objects.exists()

    def test_a_large_company_is_told_plainly_it_cannot_take_part(self, client):
        client.force_login(UserFactory())
        response = client.post(
            URL,
            {"action": "size", "sector": "services", "workers": "400", "annual_sales": "3e8"},
        )
        assert "large, not an SME (MIPYME). It cannot take part in challenges" in response.text
        response = client.post(URL, form_data(workers="400", annual_sales="300000000"), follow=True)
        assert "can follow challenges but cannot take part in them" in response.text
        assert Organization.objects.companies().get().sme_size == "large"

    def test_the_size_is_shown_in_spanish_by_default(self, client):
        client.force_login(UserFactory())
        response = client.post(
            "/organizaciones/registrar/empresa/",
            {"action": "size", "sector": "services", "workers": "5", "annual_sales": "1500000"},
        )
        assert "Con estas cifras, su empresa es <strong>Micro</strong>" in response.text


class TestService:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("legal_representative_name", "  "),
            ("legal_representative_title", ""),
            ("declares_sme", False),
            ("declares_no_conflict", False),
        ],
    )
    def test_registration_is_refused_without_each_requirement(self, user, field, value):
        with pytest.raises(DomainError) as excinfo:
            register(user, **{field: value})
        assert excinfo.value.code == field
        assert not Organization.objects.companies().exists()

    def test_the_database_refuses_a_company_without_declarations(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            CompanyFactory(
                sme_declared_at=None,
                sme_declared_by=None,
                no_conflict_declared_at=None,
                no_conflict_declared_by=None,
            )

    def test_the_database_refuses_a_company_without_a_legal_representative(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            CompanyFactory(legal_representative_name="")

    def test_the_database_refuses_a_declaration_without_its_author(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            CompanyFactory(sme_declared_by=None)


class TestEligibility:
    def test_a_verified_sme_with_its_declarations_may_take_part(self):
        company = CompanyFactory(verified_at="2026-01-01T00:00:00Z")
        eligibility = company_eligibility(company, ChallengeFactory())
        assert eligibility.ok and eligibility.reasons == []

    def test_a_large_company_registers_but_is_refused_with_the_reason(self, user):
        company = register(user, workers=400, annual_sales=Decimal("300000000"))
        with translation.override("en"):
            eligibility = company_eligibility(company, ChallengeFactory())
        assert not eligibility.ok
        assert any("large company, not an SME" in r for r in eligibility.reasons)

    def test_a_small_company_is_refused_by_a_challenge_reserved_for_micro(self):
        company = CompanyFactory(workers=30, annual_sales=Decimal("20000000"))
        assert company.sme_size == "small"
        challenge = ChallengeFactory(max_company_size="micro")
        with translation.override("en"):
            eligibility = company_eligibility(company, challenge)
        assert not eligibility.ok
        [reason] = [r for r in eligibility.reasons if "reserved" in r]
        assert "“Micro”" in reason and "“Small”" in reason
        with translation.override("en"):
            assert company_eligibility(company, ChallengeFactory(max_company_size="small")).ok

    def test_an_unverified_company_may_draft_but_is_told_verification_is_pending(self):
        company = CompanyFactory(verified_at=None)
        with translation.override("en"):
            eligibility = company_eligibility(company, ChallengeFactory())
        assert eligibility.ok and eligibility.verification_pending
        assert any("verification is pending" in r for r in eligibility.reasons)

    def test_a_company_registered_before_declarations_existed_is_refused(self):
        company = CompanyFactory(
            created_at="2026-01-01T00:00:00Z",
            legal_representative_name="",
            sme_declared_at=None,
            sme_declared_by=None,
            no_conflict_declared_at=None,
            no_conflict_declared_by=None,
        )
        with translation.override("en"):
            eligibility = company_eligibility(company, ChallengeFactory())
        assert not eligibility.ok
        assert len([r for r in eligibility.reasons if "has not" in r]) == 3

    def test_the_include_renders_the_reasons(self):
        from django.template.loader import render_to_string

        company = CompanyFactory(workers=30, annual_sales=Decimal("20000000"), verified_at=None)
        with translation.override("en"):
            eligibility = company_eligibility(company, ChallengeFactory(max_company_size="micro"))
            html = render_to_string("organizations/_eligibility.html", {"eligibility": eligibility})
        assert "cannot take part in this challenge" in html
        assert html.count("<li>") == 2


class TestDashboard:
    def test_each_company_shows_its_size_and_declarations(self, client):
        company = CompanyFactory(legal_representative_title="Administradora única")
        user = MembershipFactory(organization=company, role="admin").user
        client.force_login(user)
        response = client.get("/en/cuenta/")
        text = response.text
        assert "María Fernanda Ruiz Olvera, Administradora única" in text
        assert "Size declared under oath" in text
        assert company.sme_declared_by.display_name in text
        assert "Micro" in text

    def test_script_payloads_in_the_new_fields_are_escaped(self, client):
        payload = "<script>alert(1)</script>"
        company = CompanyFactory(
            legal_representative_name=payload, legal_representative_title=payload
        )
        user = MembershipFactory(organization=company, role="admin").user
        client.force_login(user)
        text = client.get("/en/cuenta/").text
        assert payload not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
