"""Structure forms: missing, overlong, NFD, hostile and inconsistent input."""

import datetime
import unicodedata

import pytest

from blocs.forms.structure import (
    AddMemberForm,
    AgencyEditForm,
    AgencyForm,
    BlocForm,
    BlocYearCreateForm,
    DissolveAgencyForm,
    LeadersForm,
    LiaisonForm,
    MergeAgencyForm,
    RenameAgencyForm,
    RolloverForm,
    SignatoryForm,
)
from blocs.models import Agency
from tests.factories import AgencyFactory, BlocFactory

pytestmark = pytest.mark.django_db

NFD = unicodedata.normalize("NFD", "Sở Lao động - Thương binh và Xã hội")
NFC = unicodedata.normalize("NFC", NFD)


def test_agency_form_requires_a_name_and_kind():
    form = AgencyForm(data={})
    assert not form.is_valid()
    assert form.errors["name"] == ["Vui lòng nhập tên chính thức."]
    assert "kind" in form.errors


def test_agency_form_refuses_a_301_character_name():
    form = AgencyForm(data={"name": "a" * 301, "kind": "department"})
    assert not form.is_valid()
    assert "tối đa 300 ký tự (hiện có 301)" in form.errors["name"][0]


def test_agency_form_accepts_300_characters_and_normalises_nfd():
    assert AgencyForm(data={"name": "a" * 300, "kind": "department"}).is_valid()
    form = AgencyForm(data={"name": NFD, "kind": "department"})
    assert form.is_valid()
    assert form.cleaned_data["name"] == NFC


def test_agency_form_refuses_an_unknown_kind_and_a_bad_date():
    form = AgencyForm(data={"name": "Sở X", "kind": "<b>", "established_on": "31/02/2024"})
    assert not form.is_valid()
    assert {"kind", "established_on"} <= set(form.errors)


def test_agency_edit_form_refuses_an_end_before_the_start():
    form = AgencyEditForm(
        data={"kind": "department", "established_on": "2020-01-01", "ended_on": "2019-12-31"}
    )
    assert not form.is_valid()
    assert form.errors["ended_on"] == ["Ngày kết thúc hoạt động không thể trước ngày thành lập."]


def test_rename_form_requires_name_and_date():
    form = RenameAgencyForm(data={}, agency=AgencyFactory())
    assert not form.is_valid()
    assert {"new_name", "effective_on"} <= set(form.errors)


@pytest.mark.parametrize(
    ("new_name", "error"),
    [("a" * 301, "tối đa 300"), ("Sở Y tế", "trùng với tên hiện tại"), ("   ", "Vui lòng nhập")],
)
def test_rename_form_refuses_bad_names(new_name, error):
    form = RenameAgencyForm(
        data={"new_name": new_name, "effective_on": "2025-01-01"},
        agency=AgencyFactory(name="Sở Y tế"),
    )
    assert not form.is_valid()
    assert error in form.errors["new_name"][0]


def test_rename_form_normalises_nfd_and_keeps_html_as_text():
    form = RenameAgencyForm(
        data={"new_name": NFD, "effective_on": "2025-01-01", "reason": "<script>x</script>"},
        agency=AgencyFactory(),
    )
    assert form.is_valid()
    assert form.cleaned_data["new_name"] == NFC
    assert form.cleaned_data["reason"] == "<script>x</script>"


def test_change_forms_refuse_a_date_before_the_agency_existed():
    agency = AgencyFactory(established_on=datetime.date(2015, 1, 1))
    form = DissolveAgencyForm(data={"effective_on": "2014-12-31"}, agency=agency)
    assert not form.is_valid()
    assert "trước ngày thành lập" in form.errors["effective_on"][0]


def test_merge_form_refuses_the_agency_itself():
    agency = AgencyFactory()
    form = MergeAgencyForm(data={"into": agency.pk, "effective_on": "2025-03-01"}, agency=agency)
    assert not form.is_valid()
    assert form.errors["into"] == ["Đơn vị tiếp nhận phải là một đơn vị khác, đang hoạt động."]


def test_merge_form_refuses_an_ended_agency_as_target():
    gone = AgencyFactory(status=Agency.Status.DISSOLVED)
    form = MergeAgencyForm(
        data={"into": gone.pk, "effective_on": "2025-03-01"}, agency=AgencyFactory()
    )
    assert not form.is_valid()
    assert "đang hoạt động" in form.errors["into"][0]


def test_merge_form_refuses_an_overlong_decision_reference():
    agency, into = AgencyFactory(), AgencyFactory()
    form = MergeAgencyForm(
        data={"into": into.pk, "effective_on": "2025-03-01", "decision_ref": "x" * 301},
        agency=agency,
    )
    assert not form.is_valid()
    assert "decision_ref" in form.errors


def test_bloc_form_bad_input():
    form = BlocForm(data={"name": "", "code": "x" * 31, "kind": "tỉnh"})
    assert not form.is_valid()
    assert {"name", "code", "kind"} <= set(form.errors)
    ok = BlocForm(
        data={
            "name": unicodedata.normalize("NFD", "Khối thi đua số 7"),
            "code": "K7",
            "kind": "cum",
        }
    )
    assert ok.is_valid()
    assert ok.cleaned_data["name"] == "Khối thi đua số 7"


@pytest.mark.parametrize("year", ["", "1999", "2101", "năm"])
def test_bloc_year_form_refuses_bad_years(year):
    form = BlocYearCreateForm(data={"bloc": BlocFactory().pk, "year": year})
    assert not form.is_valid()
    assert "year" in form.errors


def test_bloc_year_form_refuses_an_inactive_bloc():
    form = BlocYearCreateForm(data={"bloc": BlocFactory(active=False).pk, "year": 2025})
    assert not form.is_valid()
    assert "bloc" in form.errors


def test_add_member_form_refuses_an_agency_already_in_a_bloc(bloc_year, other_bloc_year):
    form = AddMemberForm(data={"agency": other_bloc_year.head_id}, bloc_year=bloc_year)
    assert not form.is_valid()
    assert "thuộc một khối khác trong năm 2024" in form.errors["agency"][0]


def test_add_member_form_overlong_and_nfd_signatories(bloc_year):
    agency = AgencyFactory()
    form = AddMemberForm(
        data={"agency": agency.pk, "signatory_name": "x" * 151}, bloc_year=bloc_year
    )
    assert not form.is_valid()
    form = AddMemberForm(
        data={"agency": agency.pk, "signatory_name": unicodedata.normalize("NFD", "Đỗ Văn Lâm")},
        bloc_year=bloc_year,
    )
    assert form.is_valid()
    assert form.cleaned_data["signatory_name"] == "Đỗ Văn Lâm"


def test_signatory_and_liaison_forms_refuse_overlong_text():
    assert not SignatoryForm(data={"signatory_title": "x" * 201}).is_valid()
    assert not LiaisonForm(data={"liaison_name": "x" * 151}).is_valid()
    assert LiaisonForm(data={}).is_valid()


def test_leaders_form_refuses_the_same_agency_and_non_members(bloc_year, other_bloc_year):
    same = LeadersForm(
        data={"head": bloc_year.head_id, "deputy": bloc_year.head_id}, bloc_year=bloc_year
    )
    assert not same.is_valid()
    assert same.errors["deputy"] == ["Trưởng khối và phó khối phải là hai đơn vị khác nhau."]
    outsider = LeadersForm(data={"head": other_bloc_year.head_id}, bloc_year=bloc_year)
    assert not outsider.is_valid()
    assert "thành viên của khối năm 2024" in outsider.errors["head"][0]
    assert not LeadersForm(data={}, bloc_year=bloc_year).is_valid()


def test_rollover_form_requires_a_sane_year():
    assert not RolloverForm(data={"year": "x"}).is_valid()
    assert not RolloverForm(data={"year": "2100"}).is_valid()
    assert RolloverForm(data={"year": "2024"}).is_valid()
