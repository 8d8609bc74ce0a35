"""QuickSelect writes the HTML Django's Select writes, in one pass."""

from django import forms
from django.test.html import parse_html
from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.widgets import QuickSelect

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


def _both(choices, value, attrs=None):
    django = forms.Select(attrs=attrs, choices=choices).render("agency", value)
    quick = QuickSelect(attrs=attrs, choices=choices).render("agency", value)
    return parse_html(django), parse_html(quick)


@settings(max_examples=60, deadline=None)
@given(
    choices=st.lists(st.tuples(TEXT, TEXT), max_size=8, unique_by=lambda choice: choice[0]),
    pick=st.integers(min_value=0, max_value=8),
)
def test_any_choices_render_as_djangos_select(choices, pick):
    value = choices[pick][0] if pick < len(choices) else None
    django, quick = _both(choices, value, {"class": "form-select", "required": True})
    assert django == quick


def test_groups_a_blank_option_and_markup_in_labels():
    choices = [
        ("", "— Chọn đơn vị —"),
        ("Tỉnh cũ", [("1", "Sở Y tế <b>Hà Nam</b>"), ("2", 'Sở "Tài chính"')]),
        ("3", "Sở Nội vụ & Đào tạo"),
    ]
    django, quick = _both(choices, "2")
    assert django == quick
    assert "&lt;b&gt;" in QuickSelect(choices=choices).render("agency", "2")


def test_a_model_choice_field_uses_it_for_agencies(db):
    from blocs.forms.structure import AgencyChoiceField
    from blocs.models import Agency
    from tests.factories import AgencyFactory

    AgencyFactory(name="Sở Y tế")
    field = AgencyChoiceField(queryset=Agency.objects.all())
    assert isinstance(field.widget, QuickSelect)
    assert "Sở Y tế" in field.widget.render("agency", None)
