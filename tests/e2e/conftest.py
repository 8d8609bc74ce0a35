"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

`playwright install` cannot download here, so the browser is /usr/bin/chromium (or $CHROMIUM).
Screenshots go to test-artifacts/ so a person can look at them after a run.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def login(page, live_server):
    """login("truongkhoi") signs in through the real login form and returns the page.

    The home page lists the user's blocs; by default the test follows its first link (the newest
    bloc-year, or the year overview for staff), where the tests written before it landed.
    `stay_home=True` stops on the home page.
    """

    def _login(username: str, password: str = PASSWORD, *, stay_home: bool = False):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state("networkidle")
        first_bloc = page.get_by_test_id("my-blocs").get_by_role("link").first
        if not stay_home and first_bloc.count():
            first_bloc.click()
            page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.fixture
def screenshot(page):
    """screenshot("name") saves test-artifacts/name.png (full page) and returns its path."""

    def _shot(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
