"""The one way a filter select marks the chosen option: the query string's text against values
of every kind a page offers."""

from django.template import Context, Template

from tests.factories import BlocFactory


def render(items, selected, blank=None):
    template = Template(
        "{% load portal %}{% select_options items selected blank=blank %}",
    )
    return template.render(Context({"items": items, "selected": selected, "blank": blank})).strip()


def test_years_mark_the_year_given_as_text_or_number():
    html = render([2025, 2024], "2024")
    assert html == '<option value="2025">2025</option><option value="2024" selected>2024</option>'
    assert render([2025, 2024], 2025).startswith('<option value="2025" selected>')


def test_choices_show_their_labels_and_a_blank_all_option_comes_first():
    html = render([("open", "Đang mở"), ("closed", "Đã đóng")], "closed", blank="Tất cả")
    assert html == (
        '<option value="">Tất cả</option><option value="open">Đang mở</option>'
        '<option value="closed" selected>Đã đóng</option>'
    )


def test_model_rows_offer_their_pk_and_name(db):
    bloc = BlocFactory(name="Khối <Văn hóa>")
    html = render([bloc], str(bloc.pk))
    assert html == f'<option value="{bloc.pk}" selected>Khối &lt;Văn hóa&gt;</option>'


def test_nothing_selected_marks_nothing():
    assert "selected" not in render([2024, 2025], None)
    assert "selected" not in render([2024, 2025], "")
