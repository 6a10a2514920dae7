"""Factories for tests and benchmarks. They write rows directly; services are tested apart."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from retos.accounts.models import User
from retos.challenges.models import Category, Challenge, Criterion
from retos.challenges.stages import Stage
from retos.organizations.models import Kind, Level, Membership, Organization, Role, State


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@example.mx")
    full_name = factory.Sequence(lambda n: f"Persona {n}")
    password = factory.django.Password("contrasena-segura-123")


class GovernmentBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Kind.GOVERNMENT
    name = factory.Sequence(lambda n: f"Secretaría de Pruebas {n}")
    acronym = factory.Sequence(lambda n: f"SP{n}")
    slug = factory.Sequence(lambda n: f"secretaria-{n}")
    level = Level.FEDERAL
    verified_at = factory.LazyFunction(timezone.now)


class StateBodyFactory(GovernmentBodyFactory):
    level = Level.STATE
    state = factory.LazyFunction(lambda: State.objects.get(code="14"))


class MunicipalBodyFactory(GovernmentBodyFactory):
    level = Level.MUNICIPAL
    state = factory.LazyFunction(lambda: State.objects.get(code="14"))
    municipality_name = "Guadalajara"
    municipality_code = "14039"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Kind.COMPANY
    name = factory.Sequence(lambda n: f"Soluciones Abiertas {n} S.A. de C.V.")
    slug = factory.Sequence(lambda n: f"empresa-{n}")
    rfc = factory.Sequence(lambda n: f"SAB{(n % 89) + 10:02d}0101AB{n % 10}")
    sector = "services"
    workers = 8
    annual_sales = Decimal("3500000.00")
    state = factory.LazyFunction(lambda: State.objects.get(code="09"))
    legal_representative_name = "María Fernanda Ruiz Olvera"
    legal_representative_title = "Directora general"
    # The sworn declarations a registered company has made (the database requires them).
    sme_declared_at = factory.LazyFunction(timezone.now)
    sme_declared_by = factory.SubFactory(UserFactory)
    no_conflict_declared_at = factory.LazyAttribute(lambda o: o.sme_declared_at)
    no_conflict_declared_by = factory.LazyAttribute(lambda o: o.sme_declared_by)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(GovernmentBodyFactory)
    role = Role.OFFICIAL


def in_days(days: float):
    return timezone.now() + timedelta(days=days)


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A published challenge with deadlines ahead, unless told otherwise."""

    class Meta:
        model = Challenge
        skip_postgeneration_save = True

    body = factory.SubFactory(GovernmentBodyFactory)
    title = factory.Sequence(lambda n: f"Reto de prueba {n}")
    slug = factory.Sequence(lambda n: f"reto-de-prueba-{n}")
    summary = "Una herramienta abierta para un problema público."
    problem_statement = "El problema, descrito con detalle."
    category = Category.DIGITAL_GOVERNMENT
    amount = Decimal("1250000.00")
    licences = factory.LazyFunction(lambda: ["MIT", "AGPL-3.0-or-later"])
    stage = Stage.PUBLISHED
    published_at = factory.LazyFunction(lambda: in_days(-5))
    questions_close_at = factory.LazyFunction(lambda: in_days(10))
    submissions_close_at = factory.LazyFunction(lambda: in_days(20))
    evaluation_ends_at = factory.LazyFunction(lambda: in_days(40))
    demo_day_at = factory.LazyFunction(lambda: in_days(50))
    decision_at = factory.LazyFunction(lambda: in_days(60))
    delivery_at = factory.LazyFunction(lambda: in_days(180))

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if not create:
            return
        specs = (
            extracted
            if extracted is not None
            else [
                ("Solución técnica", Decimal(40), "technology"),
                ("Experiencia de usuario", Decimal(30), "user_experience"),
                ("Viabilidad y costo", Decimal(30), "business"),
            ]
        )
        Criterion.objects.bulk_create(
            Criterion(challenge=self, name=name, weight=weight, expertise_area=area, position=i)
            for i, (name, weight, area) in enumerate(specs)
        )


class DraftChallengeFactory(ChallengeFactory):
    stage = Stage.DRAFT
    published_at = None
