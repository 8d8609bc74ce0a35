"""notify: stored on commit only, once per key, emailed to those who asked, text kept safe."""

import smtplib
import unicodedata

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from emulation.models import Notification
from emulation.notifications import agency_users, deliver, message, notify
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def people(db):
    agency = AgencyFactory()
    return {
        "wants": UserFactory(agency=agency, email="a@example.vn"),
        "no_mail": UserFactory(agency=agency, email="b@example.vn", email_notifications=False),
        "no_address": UserFactory(agency=agency, email=""),
        "inactive": UserFactory(agency=agency, email="c@example.vn", is_active=False),
    }


def test_nothing_is_stored_or_sent_when_the_transaction_rolls_back(people):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([people["wants"]], kind="test", text="Không gửi")
        raise RuntimeError
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_stored_on_commit_and_emailed_only_to_those_who_want_it(
    people, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://thidua.example.vn"
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify(people.values(), kind="test", text="Đã trả lại", url="/bloc-years/1/")
        assert not Notification.objects.exists()
    assert len(callbacks) == 1
    assert Notification.objects.count() == 4
    assert [message.to for message in mail.outbox] == [["a@example.vn"]]
    sent = mail.outbox[0]
    assert sent.subject == "[Cổng thi đua] Đã trả lại"
    assert "https://thidua.example.vn/bloc-years/1/" in sent.body
    emailed = Notification.objects.exclude(emailed_at=None).values_list("recipient", flat=True)
    assert list(emailed) == [people["wants"].pk]


def test_a_key_is_stored_once_per_recipient(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _run in range(2):
            notify([people["wants"], people["wants"]], kind="test", text="Nhắc hạn", key="k:1")
    assert Notification.objects.filter(key="k:1").count() == 1
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        notify([people["wants"]], kind="test", text="Không khóa")
        notify([people["wants"]], kind="test", text="Không khóa")
    assert Notification.objects.filter(key="").count() == 2


def test_a_failing_mail_server_keeps_the_rows_as_not_emailed(people, monkeypatch):
    """The row stays (the news is on the portal); only the "emailed" stamp is taken back."""

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("emulation.notifications.send_mass_mail", refuse)
    deliver([message([people["wants"]], kind="test", text="Thư lỗi")])
    row = Notification.objects.get()
    assert row.emailed_at is None


def test_agency_users_are_the_active_accounts(people):
    assert set(agency_users([people["wants"].agency_id])) == {
        people["wants"],
        people["no_mail"],
        people["no_address"],
    }


def test_one_batch_makes_a_fixed_number_of_queries(people, django_assert_max_num_queries):
    users = [UserFactory(email=f"u{n}@example.vn") for n in range(30)]
    batch = [message(users, kind="test", text=f"Tin {n}", key=f"k:{n}") for n in range(5)]
    with django_assert_max_num_queries(6):
        rows = deliver(batch)
    assert len(rows) == 150


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=0, max_size=900))
def test_text_is_stored_in_nfc_and_cut_to_the_column(text):
    item = message([1], kind="test", text=unicodedata.normalize("NFD", text))
    assert len(item.text) <= 500
    assert unicodedata.is_normalized("NFC", item.text)
    if len(unicodedata.normalize("NFC", text).strip()) > 500:
        assert item.text.endswith("…")


def test_hostile_text_is_escaped_on_the_page(people, client):
    user = people["wants"]
    deliver([message([user], kind="test", text="<script>alert(1)</script>\x00 Sở Y tế")])
    client.force_login(user)
    page = client.get(reverse("notification_list")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Sở Y tế" in page


def test_the_list_shows_30_newest_first_and_pages_on(people, client):
    user = people["wants"]
    deliver([message([user], kind="test", text=f"Tin số {n}") for n in range(35)])
    client.force_login(user)
    first = client.get(reverse("notification_list"))
    texts = [item.text for item in first.context["notifications"]]
    assert len(texts) == 30 and texts[0] == "Tin số 34"
    assert "Trang 1/2" in first.content.decode()
    second = client.get(reverse("notification_list"), {"page": "2"})
    assert [item.text for item in second.context["notifications"]][-1] == "Tin số 0"
    assert client.get(reverse("notification_list"), {"page": "x\x00<b>"}).status_code == 200


def test_only_the_recipient_opens_a_notification(people, client):
    mine = deliver([message([people["wants"]], kind="test", text="Của tôi", url="/blocs/")])
    row = Notification.objects.get(text=mine[0].text)
    client.force_login(people["no_mail"])
    assert client.post(reverse("notification_open", args=[row.pk])).status_code == 404
    assert client.get(reverse("notification_open", args=[row.pk])).status_code == 405
    client.force_login(people["wants"])
    response = client.post(reverse("notification_open", args=[row.pk]))
    assert response.status_code == 302 and response.url == "/blocs/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_the_email_preference_is_saved_and_the_badge_counts_unread(people, client):
    user = people["wants"]
    client.force_login(user)
    response = client.post(reverse("notification_preferences"), {})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_notifications is False
    deliver([message([user], kind="test", text="Chưa đọc")])
    page = client.get(reverse("notification_list")).content.decode()
    assert 'text-bg-danger">1<' in page
    client.post(reverse("notification_read_all"))
    assert not Notification.objects.filter(read_at=None).exists()
