"""The Vietnamese text helpers: one normaliser, one folder, one slug, one date, one sort order."""

import datetime
import unicodedata
from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.text import (
    collapse_spaces,
    collation_key,
    document_date,
    fold,
    keep_words,
    nfc,
    upper_vn,
    vn_slugify,
    vn_sort_key,
)


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def test_nfc_composes_decomposed_input_and_trims_it():
    assert nfd("Sở Y tế") != "Sở Y tế"
    assert nfc(f"  {nfd('Sở Y tế')}\n") == "Sở Y tế"


def test_nfc_passes_other_types_through():
    assert nfc(None) is None
    assert nfc(5) == 5


def test_collapse_spaces_reduces_inner_runs_of_whitespace():
    assert collapse_spaces("  Sở   Giáo dục\tvà  Đào tạo ") == "Sở Giáo dục và Đào tạo"
    assert collapse_spaces(None) == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("so y te", "Sở Y tế"),
        ("SO Y TE", "Sở Y tế"),
        (nfd("Sở Y tế"), "Sở Y tế"),
        ("dai phat thanh", "Đài Phát thanh và Truyền hình tỉnh"),
        ("hoa", "Hòa"),
        ("hoa", "Hoà"),
    ],
)
def test_fold_makes_accent_free_typing_find_the_stored_name(typed, stored):
    assert fold(typed) in fold(stored)


def test_fold_turns_d_with_stroke_into_d_in_both_cases():
    assert fold("Đ") == "d"
    assert fold("đoàn") == "doan"
    assert fold("Tỉnh Đoàn") == "tinh doan"


def test_fold_of_nothing_is_empty():
    assert fold("") == ""
    assert fold(None) == ""


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Khối thi đua Văn hóa - Xã hội", "khoi-thi-dua-van-hoa-xa-hoi"),
        ("Đài Phát thanh", "dai-phat-thanh"),
        ("KTĐVHXH", "ktdvhxh"),
        (nfd("Biên bản kiểm phiếu"), "bien-ban-kiem-phieu"),
        ("<script>alert(1)</script>", "scriptalert1script"),
    ],
)
def test_vn_slugify_keeps_d_with_stroke_as_d(name, slug):
    assert vn_slugify(name) == slug


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2024, 2, 5), "ngày 05 tháng 02 năm 2024"),
        (datetime.date(2024, 1, 9), "ngày 09 tháng 01 năm 2024"),
        (datetime.date(2024, 3, 5), "ngày 05 tháng 3 năm 2024"),
        (datetime.date(2024, 11, 20), "ngày 20 tháng 11 năm 2024"),
        (datetime.date(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
    ],
)
def test_document_date_pads_days_below_ten_and_only_months_one_and_two(day, text):
    assert document_date(day) == text


def test_document_date_without_a_date_leaves_blanks_to_fill_by_hand():
    assert document_date(None).startswith("ngày ")
    assert "tháng" in document_date(None)


def test_upper_vn_stays_nfc():
    assert upper_vn(nfd("biên bản")) == "BIÊN BẢN"
    assert unicodedata.is_normalized("NFC", upper_vn(nfd("giao ước thi đua")))


def _sorted_by_key(names):
    return sorted(names, key=collation_key)


def test_collation_key_sorts_vietnamese_letters_in_dictionary_order():
    names = ["Đài", "Dân", "Ban", "Ăn", "Âm", "An", "Ơn", "Ôn", "On", "Ư", "U"]
    assert _sorted_by_key(names) == [
        "An",
        "Ăn",
        "Âm",
        "Ban",
        "Dân",
        "Đài",
        "On",
        "Ôn",
        "Ơn",
        "U",
        "Ư",
    ]


def test_collation_key_orders_tones_after_letters():
    # Letters decide first ("ba" < "bac" whatever the tones); tones only break ties in the
    # dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
    assert _sorted_by_key(["bạ", "bá", "bã", "bả", "bà", "ba"]) == [
        "ba",
        "bà",
        "bả",
        "bã",
        "bá",
        "bạ",
    ]
    assert _sorted_by_key(["bạc", "bà"]) == ["bà", "bạc"]


def test_collation_key_puts_a_name_before_its_own_extensions():
    assert _sorted_by_key(["Sở Y tế", "Sở Y"]) == ["Sở Y", "Sở Y tế"]


def test_collation_key_sorts_real_agency_names():
    names = [
        "Sở Y tế",
        "Đài Phát thanh và Truyền hình tỉnh",
        "Bảo hiểm xã hội tỉnh",
        "Sở Giáo dục và Đào tạo",
        "Ủy ban MTTQ Việt Nam tỉnh",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Ban Dân tộc tỉnh",
    ]
    assert _sorted_by_key(names) == [
        "Ban Dân tộc tỉnh",
        "Bảo hiểm xã hội tỉnh",
        "Đài Phát thanh và Truyền hình tỉnh",
        "Sở Giáo dục và Đào tạo",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Y tế",
        "Ủy ban MTTQ Việt Nam tỉnh",
    ]


_vietnamese = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ -,")) | st.characters(),
    max_size=12,
)


@given(_vietnamese, _vietnamese)
def test_collation_key_orders_like_vn_sort_key(left, right):
    """The stored string key must order rows exactly as the Python sort key does."""
    by_key = (collation_key(left) > collation_key(right)) - (
        collation_key(left) < collation_key(right)
    )
    by_tuple = (vn_sort_key(left) > vn_sort_key(right)) - (vn_sort_key(left) < vn_sort_key(right))
    assert by_key == by_tuple


@given(_vietnamese)
def test_collation_key_is_the_same_for_nfc_and_nfd_input(name):
    assert collation_key(nfd(name)) == collation_key(unicodedata.normalize("NFC", name))


def render(template: str, **context) -> str:
    return Template("{% load portal %}" + template).render(Context(context))


def test_docdate_filter_prints_the_decree_30_date():
    assert render("{{ day|docdate }}", day=datetime.date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("57.142857"), "57,14\u00a0%"),
        ("50", "50,00\u00a0%"),
        (0, "0,00\u00a0%"),
        (None, ""),
        ("", ""),
        ("n/a", "n/a"),
    ],
)
def test_percent_filter_prints_the_one_percentage_format(value, text):
    assert render("{{ value|percent }}", value=value) == text


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("KHỐI THI ĐUA VĂN HÓA - XÃ HỘI", "KHỐI THI_ĐUA VĂN_HÓA_-_XÃ_HỘI"),
        ("TM. KHỐI THI ĐUA VĂN HÓA - XÃ HỘI", "TM. KHỐI THI_ĐUA VĂN_HÓA_-_XÃ_HỘI"),
        ("ĐƠN VỊ SỰ NGHIỆP", "ĐƠN_VỊ SỰ_NGHIỆP"),
        ("TRƯỜNG CHÍNH TRỊ TỈNH", "TRƯỜNG CHÍNH_TRỊ TỈNH"),
        ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "SỞ VĂN_HÓA, THỂ_THAO VÀ DU_LỊCH"),
    ],
)
def test_keep_words_joins_the_syllables_of_each_word(text, joined):
    assert keep_words(text).replace("\u00a0", "_") == joined


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợ ,.-", max_size=60))
@settings(max_examples=60, deadline=None)
def test_keep_words_changes_only_which_spaces_may_break(text):
    joined = keep_words(text)
    assert joined.replace("\u00a0", " ") == collapse_spaces(text)
