import pytest

pytestmark = pytest.mark.browser


def test_a_bloc_head_logs_in_and_lands_on_their_bloc_year(
    login, page, screenshot, bloc_head, bloc_year
):
    login("truongkhoi")
    assert page.get_by_test_id("role").inner_text() == "Trưởng khối"
    assert "Khối thi đua Văn hóa - Xã hội" in page.content()
    assert screenshot("login-bloc-head").stat().st_size > 10_000
