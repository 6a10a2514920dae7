"""Can a company take part in a challenge? One read, its reasons in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from retos.organizations.mexico import SmeSize
from retos.organizations.models import Organization

#: Smallest first: a company fits a challenge when its size is at most the challenge's cap.
SIZE_ORDER = [SmeSize.MICRO, SmeSize.SMALL, SmeSize.MEDIUM, SmeSize.LARGE]


@dataclass(frozen=True)
class Eligibility:
    """``ok`` is False when a reason blocks taking part.

    ``reasons`` lists every finding, blocking or not, in the order a company would fix them.
    Verification by platform staff is the one that does not block: an unverified company may
    prepare its proposal while staff check it, so ``verification_pending`` is set and its
    reason listed, but ``ok`` stays True.
    """

    ok: bool
    reasons: list[str] = field(default_factory=list)
    verification_pending: bool = False


def company_eligibility(company: Organization, challenge) -> Eligibility:
    """Whether ``company`` may take part in ``challenge``, and why not. No queries."""
    if not company.is_company:
        return Eligibility(ok=False, reasons=[_("Only companies can take part in a challenge.")])
    blocking: list[str] = []
    size = company.sme_size
    if size == SmeSize.LARGE:
        blocking.append(
            _(
                "%(company)s is a large company, not an SME (MIPYME): only micro, small and "
                "medium companies can take part."
            )
            % {"company": company.name}
        )
    elif size is not None:
        allowed = SmeSize(challenge.max_company_size)
        if SIZE_ORDER.index(SmeSize(size)) > SIZE_ORDER.index(allowed):
            blocking.append(
                _(
                    "This challenge is reserved for companies of size “%(allowed)s” or smaller; "
                    "%(company)s is “%(size)s”."
                )
                % {
                    "allowed": allowed.label,
                    "company": company.name,
                    "size": SmeSize(size).label,
                }
            )
    if not company.legal_representative_name:
        blocking.append(_("The company has not named its legal representative."))
    if company.sme_declared_at is None:
        blocking.append(
            _("The company has not made the sworn declaration of its size (bajo protesta).")
        )
    if company.no_conflict_declared_at is None:
        blocking.append(
            _(
                "The company has not made the sworn declaration that it has no conflict of "
                "interest (bajo protesta)."
            )
        )
    reasons = list(blocking)
    pending = company.verified_at is None
    if pending:
        reasons.append(
            _(
                "Platform staff have not verified the company yet. It may prepare its proposal "
                "meanwhile; verification is pending."
            )
        )
    return Eligibility(ok=not blocking, reasons=reasons, verification_pending=pending)
