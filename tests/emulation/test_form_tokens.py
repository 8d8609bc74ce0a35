"""One-time form tokens: spent once, refused twice with a message, even from two threads at once;
nothing stored with them could tie a ballot to a person or a moment."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, models, transaction
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import Ballot
from emulation.form_tokens import BALLOT, FIELD_NAME, consume_token, issue_token
from emulation.models import UsedFormToken
from tests.awards.voting_fixtures import agency_ids, make_session, open_award_poll
from tests.form_tokens import token_on

pytestmark = pytest.mark.django_db

INVALID = "Biểu mẫu không có mã gửi một lần hợp lệ. Vui lòng tải lại trang rồi thực hiện lại."
BALLOT_TWICE = "Phiếu này đã được ghi (gửi hai lần). Không ghi thêm."
STEP_TWICE = (
    "Thao tác này đã được thực hiện (gửi hai lần); không thực hiện và không lấy số lần nữa."
)


def refusal(token, purpose="covenant_issue") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        consume_token(token, purpose=purpose)
    return caught.value


def test_a_token_is_spent_once_and_the_second_use_is_refused():
    token = issue_token()
    consume_token(token, purpose="covenant_issue")
    error = refusal(token)
    assert error.messages == [STEP_TWICE] and error.code == "form_token_used"
    assert UsedFormToken.objects.count() == 1


def test_a_ballot_sent_twice_says_the_paper_is_already_recorded():
    token = issue_token()
    consume_token(token, purpose=BALLOT)
    assert refusal(token, BALLOT).messages == [BALLOT_TWICE]


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "abc",
        "x" * 100_000,
        issue_token()[:-1] + "\x00",
        issue_token() + "\n",
        issue_token()[:-1] + "=",
        "' OR 1=1 --" + "a" * 32,
        ["a" * 43],
    ],
    ids=["none", "empty", "short", "100kB", "nul", "newline", "padding", "quote", "list"],
)
def test_a_missing_or_malformed_token_is_refused_with_a_message(token):
    error = refusal(token)
    assert error.messages == [INVALID] and error.code == "form_token_invalid"
    assert not UsedFormToken.objects.exists()


def test_after_a_refusal_the_callers_transaction_still_works():
    token = issue_token()
    with transaction.atomic():
        consume_token(token, purpose=BALLOT)
        refusal(token, BALLOT)
        # Without the savepoint PostgreSQL would refuse every further statement here.
        assert UsedFormToken.objects.filter(token=token).exists()


def test_a_refused_step_leaves_its_token_unspent():
    token = issue_token()
    with pytest.raises(ValidationError), transaction.atomic():
        consume_token(token, purpose="conference_finalize")
        raise ValidationError("Hội nghị chưa kiểm phiếu.")
    consume_token(token, purpose="conference_finalize")
    assert UsedFormToken.objects.count() == 1


def test_a_page_opened_long_ago_is_accepted_once_because_issuing_stores_nothing():
    old_page = issue_token()
    tokens = [issue_token() for _ in range(500)]
    assert len({old_page, *tokens}) == 501 and not UsedFormToken.objects.exists()
    for token in tokens[:3]:
        consume_token(token, purpose=BALLOT)
    consume_token(old_page, purpose=BALLOT)
    assert refusal(old_page, BALLOT).messages == [BALLOT_TWICE]


def test_the_row_holds_no_user_no_ballot_and_no_time_of_day():
    fields = UsedFormToken._meta.get_fields()
    assert {field.name for field in fields} == {"token", "purpose", "used_on"}
    assert not any(field.is_relation for field in fields)
    used_on = UsedFormToken._meta.get_field("used_on")
    assert type(used_on) is models.DateField
    consume_token(issue_token(), purpose=BALLOT)
    row = UsedFormToken.objects.get()
    assert row.used_on == timezone.localdate() and type(row.used_on) is datetime.date


def test_every_render_of_the_tag_gives_a_fresh_hidden_token():
    template = Template("{% load form_tokens %}{% form_token %}")
    first, second = (template.render(Context()) for _ in range(2))
    assert first.startswith(f'<input type="hidden" name="{FIELD_NAME}" value="')
    assert first != second


# Two posts of one ballot form at the same moment (PostgreSQL) ------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_ballot_posts_at_once_record_one_ballot(bloc_year, bloc_head):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests need PostgreSQL")
    session = make_session(bloc_year, bloc_head)
    poll = open_award_poll(session, actor=bloc_head)
    url = reverse("awards:poll_ballots", args=[bloc_year.pk, poll.pk])
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(bloc_head)
    token = token_on(clients[0].get(url))
    data = {"marks": [str(agency_ids(poll)[0])], FIELD_NAME: token}
    barrier = threading.Barrier(2)
    pages, errors = [], []

    def post(client):
        try:
            barrier.wait()
            pages.append(client.post(url, data, follow=True).content.decode())
        except Exception as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert sum("Đã nhập phiếu số 1." in page for page in pages) == 1
    assert sum(BALLOT_TWICE in page for page in pages) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_second_of_two_open_transactions_waits_and_is_refused_by_the_database():
    """No check-then-write: the second insert waits on the first's uncommitted row."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    token = issue_token()
    first_spent = threading.Event()
    outcomes = {}

    def first():
        try:
            with transaction.atomic():
                consume_token(token, purpose=BALLOT)
                first_spent.set()
                # Still uncommitted while the second tries: a SELECT would see nothing.
                threading.Event().wait(0.5)
            outcomes["first"] = "spent"
        finally:
            connections.close_all()

    def second():
        try:
            first_spent.wait(5)
            with transaction.atomic():
                consume_token(token, purpose=BALLOT)
            outcomes["second"] = "spent"
        except ValidationError as error:
            outcomes["second"] = error.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"first": "spent", "second": BALLOT_TWICE}
    assert UsedFormToken.objects.count() == 1
