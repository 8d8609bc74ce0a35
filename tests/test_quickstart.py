"""The quick-start path a newcomer takes with `make run`, on whatever database the run uses
(`make test` runs it again on SQLite): the demo province loads, loads again without duplicates,
and every printed login signs in through the form and opens its start page and its bloc."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from blocs.models import Agency, BlocYear
from emulation.models import User
from portal.management.commands.seed_demo import DEMO_LOGINS, DEMO_PASSWORD
from tests.conftest import QUICKSTART


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", verbosity=0)


def _counts():
    return (Agency.objects.count(), BlocYear.objects.count(), User.objects.count())


def test_the_demo_loads_twice_without_duplicates_and_prints_the_logins(demo, capsys):
    before = _counts()
    call_command("seed_demo")
    assert _counts() == before
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed
    for username, _role in DEMO_LOGINS:
        assert re.search(rf"^\s+{username}\s", printed, re.MULTILINE), username


@pytest.mark.parametrize("username", [username for username, _role in DEMO_LOGINS])
def test_every_demo_login_signs_in_and_opens_its_start_page_and_bloc(demo, username):
    client = Client()
    signed_in = client.post(
        "/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert signed_in.status_code == 200
    assert signed_in.wsgi_request.user.username == username
    home = client.get("/").content.decode()
    links = re.findall(r'href="(/blocs/(?:bloc-years/\d+|years)/)"', home)
    assert links, f"{username}: the start page links to no bloc or year"
    for link in dict.fromkeys(links):
        assert client.get(link).status_code == 200, (username, link)


def test_every_file_of_the_quick_start_path_exists():
    """A renamed test file would drop out of the SQLite pass without a word."""
    root = Path(__file__).resolve().parents[1]
    assert [path for path in QUICKSTART if not (root / path).is_file()] == []
