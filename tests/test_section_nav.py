"""Each section's base carries its tabs: province staff see them with the page they are on
marked; bloc users, whose pages live under the same bases, do not."""

import re

import pytest
from django.urls import reverse

TAB = re.compile(r'<a class="nav-link( active)?" href="([^"]+)"\s*(aria-current="page")?>')


def tabs(html: str) -> list[tuple[str, bool]]:
    nav = html[html.index('data-testid="section-nav"') :]
    nav = nav[: nav.index("</nav>")]
    return [(href, bool(active)) for active, href, _current in TAB.findall(nav)]


@pytest.mark.parametrize(
    ("url_name", "section_urls"),
    [
        (
            "blocs:year_overview",
            [
                "blocs:year_overview",
                "blocs:agency_list",
                "blocs:bloc_list",
                "blocs:province_profile",
                "blocs:covenant_template",
                "blocs:calendar",
            ],
        ),
        (
            "awards:ledger",
            [
                "awards:proposal_workspace",
                "awards:ledger",
                "awards:award_statistics",
                "awards:award_type_list",
                "awards:rule_sets",
                "awards:eligibility_rules",
                "awards:criteria_sets",
            ],
        ),
    ],
)
def test_staff_see_the_section_tabs_with_the_current_page_marked(
    staff_client, bloc_year, url_name, section_urls
):
    html = staff_client.get(reverse(url_name)).content.decode()
    expected = [(reverse(name), name == url_name) for name in section_urls]
    assert tabs(html) == expected
    assert html.count('aria-current="page"') >= 1


def test_bloc_users_see_no_section_tabs(head_client, member_client, bloc_year):
    url = reverse("blocs:bloc_year_detail", args=[bloc_year.pk])
    for client in (head_client, member_client):
        response = client.get(url)
        assert response.status_code == 200
        assert 'data-testid="section-nav"' not in response.content.decode()
