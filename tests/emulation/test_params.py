"""Query-string helpers: whatever arrives, a clean value or None, never an exception."""

from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from emulation.params import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_ID,
    clean_text,
    int_param,
    text_param,
    year_param,
)

factory = RequestFactory()


def _get(**params):
    return factory.get("/", params)


@given(st.text(max_size=500))
def test_any_text_becomes_nfc_text_without_control_characters_within_the_limit(raw):
    cleaned = clean_text(raw, max_length=200)
    assert len(cleaned) <= 200
    assert not any(ord(char) < 32 or ord(char) == 127 for char in cleaned)
    assert cleaned == cleaned.strip()
    assert clean_text(cleaned, max_length=200) == cleaned


@given(st.text(max_size=40))
def test_any_value_gives_an_int_in_range_or_none(raw):
    value = int_param(_get(n=raw), "n")
    assert value is None or 1 <= value <= MAX_ID


@given(st.integers())
def test_whole_numbers_in_range_are_read_as_they_are(number):
    value = year_param(_get(year=str(number)))
    assert value == (number if FIRST_YEAR <= number <= LAST_YEAR else None)


def test_hand_cases():
    assert text_param(_get(q="  Sở\x00 Y  tế "), "q") == "Sở Y tế"
    assert text_param(_get(q="x" * 100_000), "q") == "x" * 200
    assert int_param(_get(page="-1"), "page") is None
    assert int_param(_get(page="٣"), "page") is None  # an Arabic-Indic digit is not ours
    assert int_param(_get(page="9" * 30), "page") is None
    assert int_param(_get(), "page") is None
    assert year_param(_get(year="2024")) == 2024
    assert year_param(_get(year="0")) is None
