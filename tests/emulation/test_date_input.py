"""The Vietnamese date input: dd/mm/yyyy shown and read whatever the language, ISO still read,
and every mistake named in Vietnamese; every date field of the portal's forms uses it."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from emulation.forms import (
    MAX_YEAR,
    MIN_YEAR,
    PortalForm,
    VietnameseDateField,
    VietnameseDateInput,
)

DATES = st.dates(min_value=datetime.date(MIN_YEAR, 1, 1), max_value=datetime.date(MAX_YEAR, 12, 31))


class SigningForm(PortalForm):
    """A plain DateField, as a form would declare it: PortalForm makes it the Vietnamese one."""

    signed_on = forms.DateField(label="Ngày ký", help_text="Ngày ghi trên văn bản.")
    noted_on = forms.DateField(label="Ngày ghi nhận", required=False)


def errors_for(value: str) -> list[str]:
    form = SigningForm({"signed_on": value})
    assert not form.is_valid()
    return form.errors["signed_on"]


@given(DATES)
def test_any_date_round_trips_through_the_widget_and_the_field(day):
    shown = VietnameseDateInput().format_value(day)
    assert shown == f"{day.day:02d}/{day.month:02d}/{day.year}"
    assert VietnameseDateField().clean(shown) == day


@given(DATES)
def test_day_month_year_without_zeros_iso_and_other_separators_are_read(day):
    field = VietnameseDateField()
    assert field.clean(f"{day.day}/{day.month}/{day.year}") == day
    assert field.clean(day.isoformat()) == day
    assert field.clean(f"{day.day:02d}-{day.month:02d}-{day.year}") == day
    assert field.clean(f" {day.day:02d}.{day.month:02d}.{day.year} ") == day


@pytest.mark.parametrize("language", ["vi", "en"])
def test_03_04_is_the_third_of_april_in_either_language(language):
    with translation.override(language):
        form = SigningForm({"signed_on": "03/04/2025"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["signed_on"] == datetime.date(2025, 4, 3)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2025", "Ngày ký không hợp lệ: tháng 2/2025 không có ngày 31."),
        ("29/02/2025", "Ngày ký không hợp lệ: tháng 2/2025 không có ngày 29."),
        ("2025-13-01", "Ngày ký không hợp lệ: tháng phải từ 1 đến 12 (đã nhập 13)."),
        ("01/13/2025", "Ngày ký không hợp lệ: tháng phải từ 1 đến 12 (đã nhập 13)."),
        ("01/01/99999", "Ngày ký không hợp lệ: năm phải từ 1900 đến 2100 (đã nhập 99999)."),
        ("01/01/0001", "Ngày ký không hợp lệ: năm phải từ 1900 đến 2100 (đã nhập 1)."),
        ("1/1/25", "Ngày ký không hợp lệ: năm phải từ 1900 đến 2100 (đã nhập 25)."),
        ("01/02/2025\x00", "Ngày ký không hợp lệ: nhập ngày theo dạng dd/mm/yyyy"),
        ("\x00", "Ngày ký không hợp lệ: nhập ngày theo dạng dd/mm/yyyy"),
        ("01/01/" + "9" * 5000, "Ngày ký không hợp lệ: nhập ngày theo dạng dd/mm/yyyy"),
        ("<b>01/02/2025</b>", "Ngày ký không hợp lệ: nhập ngày theo dạng dd/mm/yyyy"),
        ("mười hai", "Ngày ký không hợp lệ: nhập ngày theo dạng dd/mm/yyyy"),
        ("٠١/٠٢/٢٠٢٥", "Ngày ký không hợp lệ: nhập ngày theo dạng dd/mm/yyyy"),
        ("", "Vui lòng nhập ngày ký."),
    ],
)
def test_bad_dates_are_named_in_vietnamese(value, message):
    assert any(error.startswith(message) for error in errors_for(value)), errors_for(value)


def test_a_bad_date_is_shown_again_as_typed():
    form = SigningForm({"signed_on": "31/02/2025"})
    assert 'value="31/02/2025"' in str(form["signed_on"])


def test_portal_form_renders_a_text_box_for_dd_mm_yyyy_with_the_initial_value():
    form = SigningForm(initial={"signed_on": datetime.date(2025, 7, 1)})
    html = str(form["signed_on"])
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="01/07/2025"' in html
    assert 'placeholder="dd/mm/yyyy"' in html and 'inputmode="numeric"' in html
    field = form.fields["signed_on"]
    assert isinstance(field, VietnameseDateField)
    assert (field.label, field.help_text, field.required) == (
        "Ngày ký",
        "Ngày ghi trên văn bản.",
        True,
    )
    assert form.fields["noted_on"].required is False
    assert SigningForm({"signed_on": "1/7/2025"}).is_valid()


def _form_classes():
    for app in ("emulation", "blocs", "awards"):
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                    yield value


def test_every_date_field_of_the_portals_forms_is_the_vietnamese_one(db):
    plain = [
        f"{form_class.__module__}.{form_class.__name__}.{name}"
        for form_class in _form_classes()
        if not issubclass(form_class, PortalForm)
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field, VietnameseDateField)
    ]
    assert plain == []
