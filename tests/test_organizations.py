"""Government bodies, companies, memberships and invitations."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from stdnum.mx import rfc as stdnum_rfc

from retos.core.errors import DomainError
from retos.ledger.models import Event
from retos.organizations import services
from retos.organizations.models import Membership, Organization, Role, State
from retos.organizations.selectors import has_role
from tests.factories import CompanyFactory, GovernmentBodyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def valid_rfc(prefix="SAB150101AB"):
    return prefix + stdnum_rfc.calc_check_digit(prefix)


def test_the_32_states_are_loaded_with_inegi_codes():
    assert State.objects.count() == 32
    assert State.objects.get(code="09").name == "Ciudad de México"
    assert State.objects.get(code="01").name == "Aguascalientes"
    assert State.objects.get(code="32").name == "Zacatecas"


class TestGovernmentBodies:
    def test_a_person_registers_a_body_and_becomes_its_admin(self, user):
        body = services.government_body_register(
            actor=user, name="Secretaría de Salud", acronym="SSA", level="federal"
        )
        assert body.is_government and not body.verified
        assert has_role(user, body.pk, Role.ADMIN)
        assert Event.objects.filter(action="organization.registered").count() == 1

    def test_a_municipal_body_needs_a_code_inside_its_state(self, user):
        jalisco = State.objects.get(code="14")
        with pytest.raises(DomainError, match="14"):
            services.government_body_register(
                actor=user,
                name="Ayuntamiento",
                acronym="",
                level="municipal",
                state=jalisco,
                municipality_name="Mérida",
                municipality_code="31050",
            )
        body = services.government_body_register(
            actor=user,
            name="Gobierno Municipal de Guadalajara",
            acronym="GDL",
            level="municipal",
            state=jalisco,
            municipality_name="Guadalajara",
            municipality_code="14039",
        )
        assert body.jurisdiction_label == "Guadalajara, Jalisco"

    def test_a_state_body_needs_its_state(self, user):
        with pytest.raises(DomainError):
            services.government_body_register(
                actor=user, name="Gobierno del Estado", acronym="", level="state"
            )

    def test_the_database_refuses_a_municipal_code_outside_the_state(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organization.objects.create(
                kind="government",
                name="X",
                slug="x",
                level="municipal",
                state_id="14",
                municipality_name="Mérida",
                municipality_code="31050",
            )

    def test_the_database_refuses_a_federal_body_with_a_state(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organization.objects.create(
                kind="government", name="X", slug="x", level="federal", state_id="14"
            )

    def test_only_platform_staff_verify(self, user, staff):
        body = GovernmentBodyFactory(verified_at=None)
        with pytest.raises(PermissionDenied):
            services.organization_verify(organization=body, actor=user)
        services.organization_verify(organization=body, actor=staff)
        body.refresh_from_db()
        assert body.verified


class TestCompanies:
    def register(self, user, **overrides):
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

    def test_a_company_is_registered_with_its_sme_size(self, user):
        company = self.register(user)
        assert company.sme_size == "micro" and company.is_sme
        assert has_role(user, company.pk, Role.ADMIN)

    def test_a_large_company_is_registered_but_is_not_an_sme(self, user):
        company = self.register(user, workers=400, annual_sales=Decimal("300000000"))
        assert company.sme_size == "large" and not company.is_sme

    def test_a_bad_rfc_structure_is_refused(self, user):
        with pytest.raises(DomainError) as excinfo:
            self.register(user, rfc="SAB151301AB1")
        assert excinfo.value.code == "rfc_invalid"
        assert not Organization.objects.companies().exists()

    def test_a_bad_check_digit_asks_for_confirmation(self, user):
        good = valid_rfc()
        bad = good[:-1] + ("1" if good[-1] != "1" else "2")
        with pytest.raises(services.RfcNeedsConfirmation):
            self.register(user, rfc=bad)
        company = self.register(user, rfc=bad, confirm_rfc_check_digit=True)
        assert company.rfc == bad and company.rfc_check_digit_confirmed

    def test_an_rfc_is_registered_once(self, user):
        self.register(user)
        with pytest.raises(DomainError) as excinfo:
            self.register(UserFactory(), name="Otra")
        assert excinfo.value.code == "rfc_taken"

    def test_the_database_refuses_a_company_without_rfc(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organization.objects.create(
                kind="company", name="X", slug="x", sector="services", workers=1, annual_sales=1
            )


class TestInvitations:
    def test_an_admin_invites_and_the_invited_person_joins(
        self, django_capture_on_commit_callbacks
    ):
        company = CompanyFactory()
        admin = MembershipFactory(organization=company, role="admin").user
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                organization=company, actor=admin, email="Nueva@Example.mx", role="member"
            )
        assert len(mail.outbox) == 1
        assert invitation.token in mail.outbox[0].body
        newcomer = UserFactory(email="nueva@example.mx")
        membership = services.invitation_accept(token=invitation.token, actor=newcomer)
        assert membership.role == Role.MEMBER
        with pytest.raises(DomainError) as excinfo:
            services.invitation_accept(token=invitation.token, actor=newcomer)
        assert excinfo.value.code == "used"

    def test_only_admins_invite(self):
        company = CompanyFactory()
        member = MembershipFactory(organization=company, role="member").user
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                organization=company, actor=member, email="x@example.mx", role="member"
            )

    def test_a_role_of_the_other_kind_is_refused(self):
        company = CompanyFactory()
        admin = MembershipFactory(organization=company, role="admin").user
        with pytest.raises(DomainError):
            services.invitation_create(
                organization=company, actor=admin, email="x@example.mx", role="opening_officer"
            )

    def test_another_account_cannot_use_the_invitation(self):
        body = GovernmentBodyFactory()
        admin = MembershipFactory(organization=body, role="admin").user
        invitation = services.invitation_create(
            organization=body, actor=admin, email="oficial@gob.mx", role="official"
        )
        with pytest.raises(DomainError) as excinfo:
            services.invitation_accept(token=invitation.token, actor=UserFactory())
        assert excinfo.value.code == "wrong_user"
        assert not Membership.objects.filter(role="official").exists()

    def test_an_expired_invitation_is_refused(self):
        body = GovernmentBodyFactory()
        admin = MembershipFactory(organization=body, role="admin").user
        invitation = services.invitation_create(
            organization=body, actor=admin, email="oficial@gob.mx", role="official"
        )
        invited = UserFactory(email="oficial@gob.mx")
        with (
            time_machine.travel(invitation.expires_at + timedelta(seconds=1)),
            pytest.raises(DomainError) as excinfo,
        ):
            services.invitation_accept(token=invitation.token, actor=invited)
        assert excinfo.value.code == "expired"
