"""Formatting of amounts and dates, business days, and the rules engine."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from retos.core import rules
from retos.core.business_days import add_business_days, business_days_between, is_business_day
from retos.core.formatting import format_datetime, format_mxn


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1250000"), "$1,250,000.00 MXN"),
        (Decimal("0.005"), "$0.01 MXN"),
        (Decimal("999.999"), "$1,000.00 MXN"),
        (Decimal("-10"), "-$10.00 MXN"),
        (None, ""),
    ],
)
def test_amounts_are_written_as_in_mexico(amount, text):
    assert format_mxn(amount) == text


def test_dates_are_shown_in_the_agency_time_zone_in_spanish():
    moment = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)  # 18:00 of 3 March in Mexico City
    with translation.override("es-mx"):
        assert format_datetime(moment) == "3 de marzo de 2026, 18:00\u00a0h, hora del centro"
        assert format_datetime(moment, "America/Cancun") == (
            "3 de marzo de 2026, 19:00\u00a0h, hora del sureste"
        )
        tijuana = format_datetime(moment, "America/Tijuana")
        assert tijuana.startswith("3 de marzo de 2026, 16:00\u00a0h")


def test_dates_in_english():
    moment = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
    with translation.override("en"):
        assert format_datetime(moment) == "March 3, 2026, 18:00\u00a0h, central time"


class TestBusinessDays:
    def test_weekends_and_holidays_are_not_business_days(self):
        assert not is_business_day(date(2026, 3, 14))  # Saturday
        assert not is_business_day(date(2026, 3, 15))  # Sunday
        assert not is_business_day(date(2026, 3, 16))  # Benito Juárez's birthday (3rd Monday)
        assert is_business_day(date(2026, 3, 17))

    def test_counting_across_a_weekend_and_a_holiday(self):
        # Friday 13 March 2026 + 1 business day skips Sat, Sun and the Monday holiday.
        assert add_business_days(date(2026, 3, 13), 1) == date(2026, 3, 17)
        assert add_business_days(date(2026, 3, 13), 6) == date(2026, 3, 24)
        assert business_days_between(date(2026, 3, 13), date(2026, 3, 24)) == 6

    def test_new_year_and_christmas(self):
        assert not is_business_day(date(2026, 12, 25))
        assert not is_business_day(date(2027, 1, 1))
        assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)


class TestRules:
    def test_predicates_compose(self):
        yes = rules.Predicate(lambda u, o: True, "yes")
        no = rules.Predicate(lambda u, o: False, "no")
        assert (yes & ~no)(None)
        assert not (yes & no)(None)
        assert (no | yes)(None)

    def test_an_unknown_permission_is_a_programming_error(self):
        with pytest.raises(KeyError):
            rules.can(None, "challenge:teleport")

    def test_a_superuser_has_no_power_the_rules_do_not_name(self, db):
        from tests.factories import UserFactory
        from tests.lifecycle import challenge_in

        superuser = UserFactory(is_superuser=True, is_staff=True)
        challenge = challenge_in("draft")
        assert superuser.has_perm("anything")  # Django's short-cut…
        assert not rules.can(superuser, "challenge:view", challenge)  # …is not ours.
        assert not rules.can(superuser, "challenge:submit_for_review", challenge)


def test_plain_select_marks_the_choice_and_escapes_labels():
    from retos.core.widgets import PlainSelect

    widget = PlainSelect(choices=[("", "Todas"), ("a&b", "<b>A</b>")])
    html = widget.render("stage", "a&b", attrs={"id": "id_stage"})
    assert html == (
        '<select id="id_stage" name="stage"><option value="">Todas</option>'
        '<option value="a&amp;b" selected>&lt;b&gt;A&lt;/b&gt;</option></select>'
    )
