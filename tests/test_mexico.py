"""RFC validation and SME stratification (DOF 30-06-2009)."""

from decimal import Decimal

import pytest
from django.utils import translation
from stdnum.mx import rfc as stdnum_rfc

from retos.organizations.mexico import (
    RfcError,
    SmeSize,
    check_rfc,
    classify_sme,
    combined_score,
)


def valid(prefix: str) -> str:
    return prefix + stdnum_rfc.calc_check_digit(prefix)


class TestRfc:
    def test_a_valid_company_rfc_passes_without_warning(self):
        result = check_rfc(valid("ABC680524P7"))
        assert not result.check_digit_warning
        assert result.is_legal_person

    def test_a_valid_person_rfc_passes(self):
        result = check_rfc("GODE561231GR8")
        assert not result.check_digit_warning
        assert not result.is_legal_person

    def test_spaces_dashes_and_case_are_normalized(self):
        assert check_rfc(" gode-561231-gr8 ").rfc == "GODE561231GR8"

    def test_a_bad_check_digit_is_a_warning_not_an_error(self):
        result = check_rfc("GODE561231GR9")
        assert result.check_digit_warning
        assert result.rfc == "GODE561231GR9"

    def test_an_unusual_homoclave_is_a_warning_not_a_crash(self):
        result = check_rfc("GODE561231WR8")
        assert result.check_digit_warning

    @pytest.mark.parametrize("value", ["GODE561331GR8", "GODE560231GR8", "ABC680230P73"])
    def test_an_impossible_date_is_refused(self, value):
        with translation.override("en"), pytest.raises(RfcError, match="date"):
            check_rfc(value)

    @pytest.mark.parametrize("value", ["", "ABC", "ABC680524P7", "GODE561231GR8X", "ABCDE5612312"])
    def test_a_wrong_length_is_refused(self, value):
        with pytest.raises(RfcError):
            check_rfc(value)

    @pytest.mark.parametrize("value", ["1BC680524P73", "AB1680524P73", "ABC68O524P73"])
    def test_a_wrong_shape_is_refused(self, value):
        with pytest.raises(RfcError):
            check_rfc(value)

    def test_the_generic_rfc_is_refused(self):
        with pytest.raises(RfcError):
            check_rfc("XAXX010101000")


M = Decimal(1_000_000)


@pytest.mark.parametrize(
    ("sector", "workers", "sales", "size"),
    [
        # Micro: up to 10 workers and up to 4 million, combined score at most 4.6.
        ("services", 0, Decimal(0), SmeSize.MICRO),
        ("services", 10, 4 * M, SmeSize.MICRO),  # score 4.6 exactly
        ("commerce", 10, 4 * M, SmeSize.MICRO),
        ("industry", 10, 4 * M, SmeSize.MICRO),
        ("services", 11, 4 * M, SmeSize.SMALL),  # one worker over
        ("services", 10, 4 * M + 1, SmeSize.SMALL),  # one peso over
        # Small: commerce up to 30 workers, industry/services up to 50; sales up to 100 M.
        ("commerce", 30, 100 * M, SmeSize.SMALL),  # score 93 exactly
        ("commerce", 31, 100 * M, SmeSize.MEDIUM),
        ("services", 50, 100 * M, SmeSize.SMALL),  # score 95 exactly
        ("industry", 50, 100 * M, SmeSize.SMALL),
        ("services", 51, 100 * M, SmeSize.MEDIUM),
        ("industry", 51, 100 * M, SmeSize.MEDIUM),
        ("services", 50, 100 * M + 1, SmeSize.MEDIUM),
        # Medium: commerce/services up to 100 workers, industry up to 250; sales up to 250 M.
        ("commerce", 100, 250 * M, SmeSize.MEDIUM),  # score 235 exactly
        ("services", 100, 250 * M, SmeSize.MEDIUM),
        ("industry", 250, 250 * M, SmeSize.MEDIUM),  # score 250 exactly
        ("commerce", 101, 250 * M, SmeSize.LARGE),
        ("services", 101, 10 * M, SmeSize.LARGE),
        ("industry", 251, 10 * M, SmeSize.LARGE),
        ("commerce", 100, 250 * M + 1, SmeSize.LARGE),
        ("industry", 10, 251 * M, SmeSize.LARGE),
    ],
)
def test_sme_classification_at_each_boundary(sector, workers, sales, size):
    assert classify_sme(sector, workers, sales) == size


def test_the_combined_score_is_ten_percent_workers_ninety_percent_sales_in_millions():
    assert combined_score(10, 4 * M) == Decimal("4.6")
    assert combined_score(250, 250 * M) == Decimal(250)


def test_negative_figures_are_refused():
    with pytest.raises(ValueError):
        classify_sme("services", -1, Decimal(0))
