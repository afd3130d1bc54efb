"""Contrast arithmetic (pure) and the colour checks built on it."""

import pytest
from django.core.exceptions import ValidationError

from atiende.branding.colours import INK, WHITE, contrast_ratio, ink_on, relative_luminance
from atiende.branding.validation import check_accent_colour, check_primary_colour


def test_contrast_matches_wcag_reference_values():
    assert relative_luminance("#000000") == 0.0
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    # The classic borderline greys: #767676 passes on white, #777777 does not.
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", WHITE) == pytest.approx(4.48, abs=0.01)


def test_text_on_a_colour_is_white_or_ink_whichever_reads_better():
    assert ink_on("#0b5cad") == WHITE
    assert ink_on("#ffd33d") == INK


@pytest.mark.parametrize("value", ["#0B5CAD", " #0b5cad ", "#ffd33d", "#1b1f24", "#767676"])
def test_primary_colours_readable_with_white_or_dark_text_are_accepted(value):
    assert check_primary_colour(value) == value.strip().lower()


def test_a_primary_colour_no_text_can_be_read_on_is_refused_with_the_ratio():
    with pytest.raises(ValidationError) as caught:
        check_primary_colour("#808080")  # mid grey: 3.95:1 with white, 4.19:1 with the dark ink
    error = caught.value.error_list[0]
    assert error.code == "primary_colour_contrast"
    assert error.params == {"colour": "#808080", "ratio": "4.19", "minimum": "4.5"}
    assert "4.19:1" in caught.value.messages[0] and "4.5:1" in caught.value.messages[0]


@pytest.mark.parametrize("value", ["0b5cad", "#0b5cad0", "#xyzxyz", "blue", "", None, "#fff"])
def test_colours_must_be_written_as_hex(value):
    with pytest.raises(ValidationError) as caught:
        check_primary_colour(value)
    assert caught.value.error_list[0].code == "primary_colour_format"


def test_the_accent_must_read_on_the_light_page_as_well_as_carry_white_text():
    assert check_accent_colour("#0b5cad") == "#0b5cad"
    with pytest.raises(ValidationError) as caught:
        check_accent_colour("#767676")  # 4.54:1 on white, but only 4.27:1 on the page background
    assert caught.value.error_list[0].code == "accent_colour_contrast"
    with pytest.raises(ValidationError) as light:
        check_accent_colour("#ffd33d")  # readable with dark text, but links in it are not
    assert light.value.error_list[0].code == "accent_colour_contrast"
