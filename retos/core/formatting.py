"""How amounts and dates are written for people in Mexico.

"$1,250,000.00 MXN" and "3 de marzo de 2026, 18:00 h, hora del centro" (or, in English,
"March 3, 2026, 18:00, central time"). Dates are stored in UTC and always shown in the time
zone of the agency that owns them.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from retos.core.timezones import TIME_ZONE_SUFFIX, MexicanTimeZone


def format_mxn(amount: Decimal | int | None) -> str:
    if amount is None:
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f} MXN"


def _month_name(month: int) -> str:
    names = [
        pgettext("month", "January"),
        pgettext("month", "February"),
        pgettext("month", "March"),
        pgettext("month", "April"),
        pgettext("month", "May"),
        pgettext("month", "June"),
        pgettext("month", "July"),
        pgettext("month", "August"),
        pgettext("month", "September"),
        pgettext("month", "October"),
        pgettext("month", "November"),
        pgettext("month", "December"),
    ]
    return names[month - 1]


def format_date(value: datetime, tz_name: str = MexicanTimeZone.CENTRO) -> str:
    local = timezone.localtime(value, ZoneInfo(tz_name))
    if translation.get_language().startswith("es"):
        return f"{local.day} de {_month_name(local.month)} de {local.year}"
    return f"{_month_name(local.month)} {local.day}, {local.year}"


def format_datetime(value: datetime | None, tz_name: str = MexicanTimeZone.CENTRO) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value, ZoneInfo(tz_name))
    suffix = TIME_ZONE_SUFFIX.get(tz_name, tz_name)
    # Translators: time of day, e.g. "18:00 h" (a no-break space keeps "h" with the time);
    # {suffix} is e.g. "central time".
    return _("{date}, {time} h, {suffix}").format(
        date=format_date(value, tz_name), time=local.strftime("%H:%M"), suffix=suffix
    )
