"""What the API shows of each thing, and the shape of what it accepts.

Output serializers are read-only and name their fields explicitly: no ``fields = "__all__"``,
so a field added to a model later is not published by accident. Identifiers are the public
ones (a challenge's or an organization's slug, a proposal's random ``public_id``, numbers within
a challenge); no sequential database key is shown. Times are UTC, ISO 8601; amounts are decimal
strings in MXN.
"""

from __future__ import annotations

from datetime import UTC

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from retos.api.filters import PUBLIC_STAGE_VALUES
from retos.challenges.stages import TRANSITIONS, Stage
from retos.clarifications.models import Section
from retos.contracts.models import MilestoneStatus
from retos.evaluation.models import Round
from retos.organizations.models import Level
from retos.proposals import content as proposal_content
from retos.proposals.models import Admissibility

MAX_TEXT_INPUT = 20000
PAGE_HELP = _("The address of its page on this site.")
CURRENCY_HELP = _("Always MXN (Mexican pesos).")
NULLABLE_STR = serializers.CharField(allow_null=True)
NULLABLE_INT = serializers.IntegerField(allow_null=True)
NULLABLE_DATETIME = serializers.DateTimeField(allow_null=True)


class UTCDateTimeField(serializers.DateTimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class DateField(serializers.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)


class MoneyField(serializers.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)


def _site_path(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:
        return None


# --- Organizations -----------------------------------------------------------------------------


class StateSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text=_("INEGI two-digit code."))
    name = serializers.CharField(read_only=True)


class BodyRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    acronym = serializers.CharField(read_only=True)
    level = serializers.ChoiceField(choices=Level.choices, read_only=True)


class BodySerializer(BodyRefSerializer):
    description = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)
    state = StateSerializer(read_only=True, allow_null=True)
    municipality_name = serializers.CharField(read_only=True)
    municipality_code = serializers.CharField(read_only=True)
    time_zone = serializers.CharField(read_only=True)
    verified = serializers.BooleanField(read_only=True)
    public_challenges = serializers.IntegerField(
        read_only=True, help_text=_("Number of public challenges the body has published.")
    )
    page = serializers.SerializerMethodField(help_text=PAGE_HELP)

    @extend_schema_field(OpenApiTypes.STR)
    def get_page(self, obj) -> str:
        return obj.get_absolute_url()


class CompanyRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    rfc = serializers.CharField(read_only=True, help_text=_("Mexican taxpayer number."))


class CompanySerializer(CompanyRefSerializer):
    state = StateSerializer(read_only=True, allow_null=True)


# --- Challenges --------------------------------------------------------------------------------


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    weight = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, help_text=_("Percent; they add to 100.")
    )
    expertise_area = serializers.CharField(read_only=True)


class ChallengeSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    category = serializers.CharField(read_only=True)
    amount = MoneyField(allow_null=True, help_text=_("Fixed contract amount, MXN."))
    currency = serializers.SerializerMethodField(help_text=CURRENCY_HELP)
    stage = serializers.SerializerMethodField(
        help_text=_("The current stage: past its deadline a published challenge is closed.")
    )
    stage_label = serializers.SerializerMethodField(
        help_text=_("The name of the stage, in the language of the request.")
    )
    body = BodyRefSerializer(read_only=True)
    state = StateSerializer(source="body.state", read_only=True, allow_null=True)
    licences = serializers.ListField(child=serializers.CharField(), read_only=True)
    max_company_size = serializers.CharField(read_only=True)
    finalists_count = serializers.IntegerField(read_only=True)
    published_at = UTCDateTimeField()
    questions_close_at = UTCDateTimeField()
    submissions_close_at = UTCDateTimeField()
    evaluation_ends_at = UTCDateTimeField()
    demo_day_at = UTCDateTimeField()
    decision_at = UTCDateTimeField()
    delivery_at = UTCDateTimeField()
    opened_at = UTCDateTimeField()
    decided_at = UTCDateTimeField()
    awarded_at = UTCDateTimeField()
    completed_at = UTCDateTimeField()
    cancelled_at = UTCDateTimeField()
    deserted_at = UTCDateTimeField()
    outcome_reason = serializers.CharField(
        read_only=True, help_text=_("The published reason of a cancelled or deserted challenge.")
    )
    page = serializers.SerializerMethodField(help_text=PAGE_HELP)

    @extend_schema_field(OpenApiTypes.STR)
    def get_currency(self, obj) -> str:
        return "MXN"

    @extend_schema_field(serializers.ChoiceField(choices=PUBLIC_STAGE_VALUES))
    def get_stage(self, obj) -> str:
        return obj.current_stage.value

    @extend_schema_field(OpenApiTypes.STR)
    def get_stage_label(self, obj) -> str:
        return str(obj.current_stage.label)

    @extend_schema_field(OpenApiTypes.STR)
    def get_page(self, obj) -> str:
        return obj.get_absolute_url()


class QuestionCountsSerializer(serializers.Serializer):
    answered = serializers.IntegerField(read_only=True)
    declined = serializers.IntegerField(read_only=True)
    pending = serializers.IntegerField(read_only=True)


class ChallengeDetailSerializer(ChallengeSerializer):
    problem_statement = serializers.CharField(read_only=True)
    context = serializers.CharField(read_only=True)
    users_affected = serializers.CharField(read_only=True)
    expected_outcomes = serializers.CharField(read_only=True)
    deliverables = serializers.CharField(read_only=True)
    eligibility = serializers.CharField(read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    terms_version = serializers.SerializerMethodField(
        help_text=_("1 plus the number of published amendments.")
    )
    amendments_count = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()
    proposals_count = serializers.SerializerMethodField(
        help_text=_(
            "The number of proposals counted in the opening act; null until the act is "
            "published (before it, not even the number of proposals is public)."
        )
    )

    @extend_schema_field(OpenApiTypes.INT)
    def get_terms_version(self, obj) -> int:
        return 1 + (obj.amendments_count or 0)

    @extend_schema_field(OpenApiTypes.INT)
    def get_amendments_count(self, obj) -> int:
        return obj.amendments_count or 0

    @extend_schema_field(QuestionCountsSerializer)
    def get_questions(self, obj) -> dict:
        return {
            "answered": obj.answered_count or 0,
            "declined": obj.declined_count or 0,
            "pending": obj.pending_count or 0,
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_proposals_count(self, obj) -> int | None:
        if obj.opened_at is None:
            return None
        return obj.proposals_count


class QuestionSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    section = serializers.ChoiceField(choices=Section.choices, read_only=True)
    text = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    answer = serializers.CharField(read_only=True)
    decline_reason = serializers.CharField(read_only=True)
    asked_at = UTCDateTimeField()
    resolved_at = UTCDateTimeField(help_text=_("When the answer was published to everyone."))


class AmendmentChangeSerializer(serializers.Serializer):
    field = serializers.CharField(read_only=True)
    old = serializers.CharField(read_only=True)
    new = serializers.CharField(read_only=True)


class AmendmentSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    terms_version = serializers.IntegerField(read_only=True)
    reason = serializers.CharField(read_only=True)
    changes = AmendmentChangeSerializer(many=True, read_only=True)
    published_at = UTCDateTimeField()
    previous_submissions_close_at = UTCDateTimeField()
    new_submissions_close_at = UTCDateTimeField()


# --- The opening act and proposals ----------------------------------------------------------------


class DigestSerializer(serializers.Serializer):
    sha256 = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)


class ActEntrySerializer(serializers.Serializer):
    proposal = serializers.UUIDField(read_only=True)
    company = serializers.CharField(read_only=True)
    rfc = serializers.CharField(read_only=True)
    folio = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    received_at = serializers.SerializerMethodField()
    price = serializers.CharField(read_only=True, help_text=_("As the company wrote it, MXN."))
    licence = serializers.CharField(read_only=True)
    content_sha256 = serializers.CharField(read_only=True)
    attachments = DigestSerializer(many=True, read_only=True)
    terms_version = serializers.IntegerField(read_only=True)
    reconfirmed = serializers.BooleanField(read_only=True)

    @extend_schema_field(NULLABLE_DATETIME)
    def get_received_at(self, entry) -> str | None:
        return _iso_text(entry.get("received_at"))


def _iso_text(value) -> str | None:
    from datetime import datetime

    if not value:
        return None
    try:
        return UTCDateTimeField().to_representation(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return None


class OpeningActSerializer(serializers.Serializer):
    challenge = serializers.SlugField(source="challenge.slug", read_only=True)
    first_officer = serializers.CharField(source="first_officer.display_name", read_only=True)
    first_confirmed_at = UTCDateTimeField()
    second_officer = serializers.CharField(source="second_officer.display_name", read_only=True)
    opened_at = UTCDateTimeField()
    proposals_count = serializers.IntegerField(read_only=True)
    withdrawn_count = serializers.IntegerField(read_only=True, allow_null=True)
    sha256 = serializers.CharField(
        read_only=True, help_text=_("SHA-256 of the act's canonical JSON.")
    )
    entries = ActEntrySerializer(many=True, read_only=True)
    page = serializers.SerializerMethodField(help_text=PAGE_HELP)

    @extend_schema_field(OpenApiTypes.STR)
    def get_page(self, act) -> str:
        return act.get_absolute_url()


class ProposalSerializer(serializers.Serializer):
    """A proposal as its opening act published it, with its admissibility."""

    public_id = serializers.UUIDField(read_only=True)
    challenge = serializers.SlugField(source="challenge.slug", read_only=True)
    company = CompanyRefSerializer(read_only=True)
    folio = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()
    received_at = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField()
    licence = serializers.SerializerMethodField()
    content_sha256 = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    terms_version = serializers.SerializerMethodField()
    reconfirmed = serializers.SerializerMethodField()
    admissibility = serializers.ChoiceField(choices=Admissibility.choices, read_only=True)
    admissibility_reason = serializers.CharField(read_only=True)
    admissibility_decided_at = UTCDateTimeField()
    opened_at = UTCDateTimeField(source="challenge.opening_act.opened_at")

    def _entry(self, proposal) -> dict:
        cached = getattr(proposal, "_act_entry", None)
        if cached is None:
            act = proposal.challenge.opening_act
            key = str(proposal.public_id)
            cached = next((e for e in act.entries if e.get("proposal") == key), {})
            proposal._act_entry = cached
        return cached

    @extend_schema_field(NULLABLE_STR)
    def get_folio(self, obj):
        return self._entry(obj).get("folio")

    @extend_schema_field(NULLABLE_INT)
    def get_version(self, obj):
        return self._entry(obj).get("version")

    @extend_schema_field(NULLABLE_DATETIME)
    def get_received_at(self, obj):
        return _iso_text(self._entry(obj).get("received_at"))

    @extend_schema_field(NULLABLE_STR)
    def get_price(self, obj):
        return self._entry(obj).get("price")

    @extend_schema_field(NULLABLE_STR)
    def get_licence(self, obj):
        return self._entry(obj).get("licence")

    @extend_schema_field(NULLABLE_STR)
    def get_content_sha256(self, obj):
        return self._entry(obj).get("content_sha256")

    @extend_schema_field(DigestSerializer(many=True))
    def get_attachments(self, obj):
        return [
            {"sha256": a.get("sha256"), "size": a.get("size")}
            for a in self._entry(obj).get("attachments") or []
        ]

    @extend_schema_field(NULLABLE_INT)
    def get_terms_version(self, obj):
        return self._entry(obj).get("terms_version")

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_reconfirmed(self, obj):
        value = self._entry(obj).get("reconfirmed")
        return None if value is None else bool(value)


# --- Scores and decisions -------------------------------------------------------------------------


class ProposalRefSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)
    company = CompanyRefSerializer(read_only=True)


class CorrectionSerializer(serializers.Serializer):
    replaces_value = serializers.DecimalField(
        source="corrects.value", max_digits=3, decimal_places=1, read_only=True
    )
    reason = serializers.CharField(source="correction_reason", read_only=True)


class ScoreSerializer(serializers.Serializer):
    challenge = serializers.SlugField(source="proposal.challenge.slug", read_only=True)
    proposal = ProposalRefSerializer(read_only=True)
    round = serializers.ChoiceField(choices=Round.choices, read_only=True)
    criterion = serializers.CharField(source="criterion.name", read_only=True)
    criterion_weight = serializers.DecimalField(
        source="criterion.weight", max_digits=5, decimal_places=2, read_only=True
    )
    expert = serializers.CharField(source="member.full_name", read_only=True)
    member_role = serializers.CharField(source="member.role", read_only=True)
    value = serializers.DecimalField(max_digits=3, decimal_places=1, read_only=True)
    justification = serializers.CharField(read_only=True)
    submitted_at = UTCDateTimeField()
    correction = serializers.SerializerMethodField(
        help_text=_(
            "When this score is the panel chair's correction of another: what it replaced and why."
        )
    )

    @extend_schema_field(CorrectionSerializer(allow_null=True))
    def get_correction(self, obj):
        if obj.corrects_id is None:
            return None
        return CorrectionSerializer(obj).data


class DecisionReasonSerializer(serializers.Serializer):
    proposal = ProposalRefSerializer(read_only=True)
    reason = serializers.CharField(read_only=True)


class DecisionSerializer(serializers.Serializer):
    challenge = serializers.SlugField(source="challenge.slug", read_only=True)
    outcome = serializers.CharField(read_only=True)
    winner = ProposalRefSerializer(read_only=True, allow_null=True)
    justification = serializers.CharField(read_only=True)
    published_at = UTCDateTimeField()
    complaints_close_at = UTCDateTimeField()
    record_sha256 = serializers.CharField(read_only=True)
    pdf_sha256 = serializers.CharField(read_only=True)
    in_force = serializers.SerializerMethodField()
    voided_at = UTCDateTimeField()
    void_reason = serializers.CharField(read_only=True)
    reasons = DecisionReasonSerializer(many=True, read_only=True)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_force(self, obj) -> bool:
        return obj.voided_at is None


# --- Awards, contracts, milestones, catalog -------------------------------------------------------


class ContractRefSerializer(serializers.Serializer):
    number = serializers.CharField(read_only=True)
    signed_on = DateField()
    starts_on = DateField()
    ends_on = DateField()


class AwardSerializer(serializers.Serializer):
    challenge = serializers.SlugField(source="challenge.slug", read_only=True)
    proposal = serializers.UUIDField(source="proposal.public_id", read_only=True)
    supplier = CompanyRefSerializer(read_only=True)
    amount = MoneyField()
    currency = serializers.SerializerMethodField(help_text=CURRENCY_HELP)
    awarded_on = DateField()
    recorded_at = UTCDateTimeField()
    contract = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_currency(self, obj) -> str:
        return "MXN"

    @extend_schema_field(ContractRefSerializer(allow_null=True))
    def get_contract(self, obj):
        contract = getattr(obj, "contract", None)
        return ContractRefSerializer(contract).data if contract is not None else None


class MilestoneRefSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    deliverables = serializers.CharField(read_only=True)
    due_on = DateField()
    amount = MoneyField()
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, read_only=True)


class DocumentSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name", read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    sha256 = serializers.CharField(read_only=True)


class ContractSerializer(serializers.Serializer):
    challenge = serializers.SlugField(source="award.challenge.slug", read_only=True)
    supplier = CompanyRefSerializer(source="award.supplier", read_only=True)
    amount = MoneyField(source="award.amount")
    currency = serializers.SerializerMethodField(help_text=CURRENCY_HELP)
    awarded_on = DateField(source="award.awarded_on")
    number = serializers.CharField(read_only=True)
    signed_on = DateField()
    starts_on = DateField()
    ends_on = DateField()
    document = DocumentSerializer(read_only=True)
    milestones = MilestoneRefSerializer(many=True, read_only=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_currency(self, obj) -> str:
        return "MXN"


class MilestoneUpdateSerializer(serializers.Serializer):
    progress = serializers.IntegerField(read_only=True, help_text=_("Percent."))
    note = serializers.CharField(read_only=True)
    link = serializers.CharField(read_only=True)
    posted_at = UTCDateTimeField()


class PaymentSerializer(serializers.Serializer):
    amount = MoneyField()
    paid_on = DateField()


class MilestoneSerializer(MilestoneRefSerializer):
    challenge = serializers.SlugField(source="contract.award.challenge.slug", read_only=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    submitted_at = UTCDateTimeField()
    accepted_at = UTCDateTimeField()
    progress = serializers.SerializerMethodField(
        help_text=_("The supplier's last reported progress, percent (null before any).")
    )
    updates = MilestoneUpdateSerializer(many=True, read_only=True)
    payment = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_progress(self, obj):
        updates = list(obj.updates.all())
        return updates[-1].progress if updates else None

    @extend_schema_field(PaymentSerializer(allow_null=True))
    def get_payment(self, obj):
        payment = getattr(obj, "payment", None)
        return PaymentSerializer(payment).data if payment is not None else None


class ReuseSerializer(serializers.Serializer):
    body = BodyRefSerializer(read_only=True)
    note = serializers.CharField(read_only=True)
    reported_at = UTCDateTimeField()


class CatalogEntrySerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    repository_url = serializers.CharField(read_only=True)
    licence = serializers.CharField(read_only=True)
    supplier = CompanyRefSerializer(read_only=True)
    challenge = serializers.SlugField(source="challenge.slug", read_only=True)
    published_at = UTCDateTimeField()
    publiccode = serializers.SerializerMethodField(
        help_text=_("The delivered tool's publiccode.yml, parsed.")
    )
    reuses = ReuseSerializer(many=True, read_only=True)
    page = serializers.SerializerMethodField(help_text=PAGE_HELP)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_publiccode(self, obj) -> dict:
        delivery = getattr(obj, "delivery", None)
        return (delivery.publiccode or {}) if delivery is not None else {}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_page(self, obj):
        return _site_path("contracts:catalog_detail", slug=obj.slug)


# --- The person and their proposals ---------------------------------------------------------------


class MembershipSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    is_expert = serializers.BooleanField(read_only=True)
    is_platform_staff = serializers.BooleanField(read_only=True)
    organizations = MembershipSerializer(many=True, read_only=True)


class ReceiptSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    folio = serializers.CharField(read_only=True)
    received_at = UTCDateTimeField(help_text=_("The server's time of receipt."))
    terms_version = serializers.IntegerField(read_only=True)
    content_sha256 = serializers.CharField(read_only=True)
    attachments = DigestSerializer(many=True, read_only=True)


class OwnProposalSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)
    challenge = serializers.SlugField(source="challenge.slug", read_only=True)
    company = CompanyRefSerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    created_at = UTCDateTimeField()
    draft_saved_at = UTCDateTimeField()
    submitted_at = UTCDateTimeField()
    withdrawn_at = UTCDateTimeField()
    admissibility = serializers.ChoiceField(choices=Admissibility.choices, read_only=True)
    admissibility_reason = serializers.CharField(read_only=True)
    page = serializers.SerializerMethodField(help_text=PAGE_HELP)

    @extend_schema_field(OpenApiTypes.STR)
    def get_page(self, obj) -> str:
        return obj.get_absolute_url()


class OwnProposalDetailSerializer(OwnProposalSerializer):
    receipts = serializers.SerializerMethodField(
        help_text=_("Every submitted version, newest first.")
    )

    @extend_schema_field(ReceiptSerializer(many=True))
    def get_receipts(self, obj):
        return ReceiptSerializer(self.context.get("versions", []), many=True).data


# --- Input ----------------------------------------------------------------------------------------


class StartProposalSerializer(serializers.Serializer):
    challenge = serializers.SlugField(max_length=120)
    company = serializers.SlugField(
        max_length=80,
        required=False,
        help_text=_("The slug of your company; may be left out if you belong to only one."),
    )


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(
        allow_blank=True, max_length=MAX_TEXT_INPUT, trim_whitespace=False
    )
    weeks = serializers.IntegerField(min_value=1, max_value=proposal_content.MAX_MILESTONE_WEEKS)
    deliverable = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT_INPUT, trim_whitespace=False
    )


class TeamMemberInputSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=MAX_TEXT_INPUT, trim_whitespace=False)
    role = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT_INPUT, trim_whitespace=False
    )


def _text_input(max_length: int):
    return serializers.CharField(
        required=False, allow_blank=True, max_length=max_length, trim_whitespace=False
    )


class DraftSerializer(serializers.Serializer):
    """The proposal's sections. In a PATCH, any subset: the sections sent are replaced, the
    rest kept."""

    summary = _text_input(MAX_TEXT_INPUT)
    understanding = _text_input(MAX_TEXT_INPUT)
    solution = _text_input(MAX_TEXT_INPUT)
    technical_approach = _text_input(MAX_TEXT_INPUT)
    ux_approach = _text_input(MAX_TEXT_INPUT)
    work_plan = MilestoneInputSerializer(
        many=True, required=False, max_length=proposal_content.MAX_MILESTONES
    )
    team = TeamMemberInputSerializer(
        many=True, required=False, max_length=proposal_content.MAX_TEAM
    )
    price = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text=_("MXN, e.g. 990000.00.")
    )
    licence = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text=_("An SPDX identifier the challenge allows."),
    )
    links = serializers.ListField(
        child=serializers.CharField(max_length=2000),
        required=False,
        max_length=proposal_content.MAX_LINKS,
    )


class AttachmentSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    sha256 = serializers.CharField(read_only=True)


class DraftOutSerializer(serializers.Serializer):
    proposal = OwnProposalSerializer(read_only=True)
    sections = DraftSerializer(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    problems = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("What still stops the proposal from being submitted (empty: nothing)."),
    )


class AskSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT_INPUT)
    section = serializers.ChoiceField(choices=Section.choices, default=Section.GENERAL)
    company = serializers.SlugField(
        max_length=80,
        required=False,
        help_text=_(
            "The slug of the company you ask for; may be left out if you belong to only one."
        ),
    )


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=MAX_TEXT_INPUT)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT_INPUT)


class OfficialQuestionSerializer(QuestionSerializer):
    pass


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    target = serializers.CharField(read_only=True)
    needs_reason = serializers.BooleanField(read_only=True)


class TransitionsSerializer(serializers.Serializer):
    stage = serializers.CharField(read_only=True)
    allowed = TransitionSerializer(many=True, read_only=True)


# Transitions made on their own pages, which record what the transition needs (the opening
# act's two officers, the finalists, the decision, the award and contract, the delivery, an
# upheld complaint): the API, like the challenge page's buttons, does not offer them bare.
DEDICATED_TRANSITIONS = frozenset(
    {"open", "confirm_finalists", "decide", "award", "complete", "reopen_evaluation"}
)
API_TRANSITIONS = sorted({t.name for t in TRANSITIONS} - DEDICATED_TRANSITIONS)


class TransitionInputSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=API_TRANSITIONS)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT_INPUT,
        help_text=_("Required to cancel, declare deserted or request changes; it is published."),
    )


class AdmissibilityInputSerializer(serializers.Serializer):
    admissible = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT_INPUT)


class ChallengeStageSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    stage = serializers.SerializerMethodField()
    outcome_reason = serializers.CharField(read_only=True)

    @extend_schema_field(serializers.ChoiceField(choices=Stage.values))
    def get_stage(self, obj) -> str:
        return obj.current_stage_at().value


# --- Errors ---------------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Stable: clients may branch on it."))
    message = serializers.CharField(help_text=_("For people, in the request's language."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("The inputs at fault, each with its messages."),
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
