"""Mexican rules for organizations: the RFC (tax id) and SME stratification (DOF 30-06-2009)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.mx import rfc as stdnum_rfc


class RfcError(ValueError):
    """The RFC cannot be accepted: wrong length, characters or date."""


@dataclass(frozen=True)
class RfcCheck:
    rfc: str
    #: True when the structure and date are right but the check digit is not. About 1.5% of
    #: issued RFCs carry such a digit, so the user is warned and asked to confirm, not refused.
    check_digit_warning: bool
    is_legal_person: bool


def check_rfc(value: str) -> RfcCheck:
    """Validate an RFC: refuse a bad structure or date, flag a bad check digit."""
    compact = stdnum_rfc.compact(value or "")
    try:
        stdnum_rfc.validate(compact, validate_check_digits=False)
    except InvalidLength as exc:
        raise RfcError(
            _("An RFC has 12 characters (companies) or 13 (persons); this one has %(n)d.")
            % {"n": len(compact)}
        ) from exc
    except InvalidComponent as exc:
        raise RfcError(
            _("The date inside the RFC (YYMMDD, after the letters) is not a real date.")
        ) from exc
    except (InvalidFormat, StdnumError) as exc:
        raise RfcError(
            _(
                "The RFC does not have the right shape: 3 or 4 letters, a date as YYMMDD "
                "and 3 check characters."
            )
        ) from exc
    if len(compact) == 13 and stdnum_rfc.compact(compact)[:4] == "XAXX":
        raise RfcError(_("The generic RFC XAXX010101000 does not identify a company."))
    try:
        stdnum_rfc.validate(compact, validate_check_digits=True)
        warning = False
    except (InvalidChecksum, InvalidComponent):
        # The homoclave (last three characters) is off: a character the SAT does not use, or
        # a check digit that does not compute. Real RFCs like that exist, so warn and confirm.
        warning = True
    return RfcCheck(rfc=compact, check_digit_warning=warning, is_legal_person=len(compact) == 12)


class Sector(models.TextChoices):
    COMMERCE = "commerce", _("Commerce")
    INDUSTRY = "industry", _("Industry")
    SERVICES = "services", _("Services")


class SmeSize(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large (not an SME)")


@dataclass(frozen=True)
class Stratum:
    size: SmeSize
    max_workers: int | None  # None: no upper bound
    max_sales_millions: Decimal | None
    max_combined: Decimal | None


# DOF 30-06-2009, "estratificación de las micro, pequeñas y medianas empresas".
STRATA: dict[str, list[Stratum]] = {
    Sector.COMMERCE: [
        Stratum(SmeSize.MICRO, 10, Decimal(4), Decimal("4.6")),
        Stratum(SmeSize.SMALL, 30, Decimal(100), Decimal(93)),
        Stratum(SmeSize.MEDIUM, 100, Decimal(250), Decimal(235)),
    ],
    Sector.SERVICES: [
        Stratum(SmeSize.MICRO, 10, Decimal(4), Decimal("4.6")),
        Stratum(SmeSize.SMALL, 50, Decimal(100), Decimal(95)),
        Stratum(SmeSize.MEDIUM, 100, Decimal(250), Decimal(235)),
    ],
    Sector.INDUSTRY: [
        Stratum(SmeSize.MICRO, 10, Decimal(4), Decimal("4.6")),
        Stratum(SmeSize.SMALL, 50, Decimal(100), Decimal(95)),
        Stratum(SmeSize.MEDIUM, 250, Decimal(250), Decimal(250)),
    ],
}

MILLION = Decimal(1_000_000)


def combined_score(workers: int, annual_sales: Decimal) -> Decimal:
    """workers × 10% + annual sales in millions of MXN × 90%."""
    return Decimal(workers) * Decimal("0.1") + (Decimal(annual_sales) / MILLION) * Decimal("0.9")


def classify_sme(sector: str, workers: int, annual_sales: Decimal) -> SmeSize:
    """The company's size under the stratification table.

    The rule, documented because the DOF leaves room to read it: a company starts in the
    smallest stratum whose worker range *and* sales range both hold it; it then moves up while
    its combined score exceeds that stratum's maximum combined score. Past "medium" it is large
    and not an SME.
    """
    if workers < 0 or annual_sales < 0:
        raise ValueError("workers and annual sales cannot be negative")
    strata = STRATA[Sector(sector)]
    sales_millions = Decimal(annual_sales) / MILLION
    score = combined_score(workers, annual_sales)
    for stratum in strata:
        fits_ranges = (
            workers <= stratum.max_workers and sales_millions <= stratum.max_sales_millions
        )
        if fits_ranges and score <= stratum.max_combined:
            return stratum.size
    return SmeSize.LARGE


def is_sme(size: str) -> bool:
    return size in {SmeSize.MICRO, SmeSize.SMALL, SmeSize.MEDIUM}
