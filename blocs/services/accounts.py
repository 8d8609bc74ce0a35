"""Accounts that province staff manage: officers of agencies, province staff, read-only readers.

Every write is atomic, takes a keyword-only `actor` and writes its audit entry (never a password
or a token). Accounts are deactivated, never deleted: the audit log keeps their names. Here, not
in emulation, because an account belongs to an agency and reads bloc-years.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.models import Agency, BlocYear
from emulation.audit import apply_changes, log_action
from emulation.login_protection import forget_failures
from emulation.models import PROVINCE_STAFF_GROUP, AuditEntry, User
from emulation.text import collapse_spaces, nfc

USERNAME_MAX = 150
_USERNAME = re.compile(r"^[a-z0-9._@-]+$")
PASSWORD_RESET_REQUESTED = "emulation.user.password_reset_requested"
# Self-service reset requests allowed per hour (counted in the audit log, shared by all hosts).
RESETS_PER_ADDRESS = 3
RESETS_PER_IP = 10


class AccountKind(StrEnum):
    OFFICER = "officer"
    STAFF = "staff"
    READER = "reader"


KIND_LABELS = {
    AccountKind.OFFICER: gettext_lazy("Cán bộ đơn vị"),
    AccountKind.STAFF: gettext_lazy("Cán bộ thi đua, khen thưởng tỉnh"),
    AccountKind.READER: gettext_lazy("Theo dõi (lãnh đạo phụ trách, người theo dõi)"),
}


def _refuse(message: str, field_name: str | None = None):
    raise ValidationError({field_name: message} if field_name else message)


def _staff_group() -> Group:
    return Group.objects.get_or_create(name=PROVINCE_STAFF_GROUP)[0]


def accounts_queryset():
    """Accounts for the staff list: agency loaded, `in_staff_group` annotated (one query)."""
    staff = User.groups.through.objects.filter(
        user_id=OuterRef("pk"), group__name=PROVINCE_STAFF_GROUP
    )
    return User.objects.select_related("agency").annotate(in_staff_group=Exists(staff))


def kind_of(user: User) -> AccountKind:
    in_group = getattr(user, "in_staff_group", None)
    if in_group is None:
        in_group = user.groups.filter(name=PROVINCE_STAFF_GROUP).exists()
    if in_group or user.is_superuser:
        return AccountKind.STAFF
    return AccountKind.OFFICER if user.agency_id else AccountKind.READER


def clean_username(raw: str) -> str:
    """NFC, trimmed and lower-case; only unaccented letters, digits and . _ - @ (typed on any
    phone, and compared case-insensitively on every database)."""
    username = nfc(raw or "").lower()
    if not username:
        _refuse(_("Vui lòng nhập tên đăng nhập."), "username")
    if len(username) > USERNAME_MAX:
        _refuse(
            _("Tên đăng nhập quá dài: tối đa %(max)s ký tự.") % {"max": USERNAME_MAX}, "username"
        )
    if not _USERNAME.match(username):
        _refuse(
            _(
                "Tên đăng nhập chỉ gồm chữ cái không dấu, chữ số và các dấu . _ - @ "
                "(ví dụ: nguyenvana hoặc syt.nguyenvana)."
            ),
            "username",
        )
    return username


def _check_username_free(username: str, *, exclude_pk=None) -> None:
    taken = User.objects.filter(username__iexact=username).exclude(pk=exclude_pk)
    if taken.exists():
        _refuse(
            _("Tên đăng nhập “%(username)s” đã có người dùng; hãy chọn tên khác.")
            % {"username": username},
            "username",
        )


def clean_email(raw: str) -> str:
    email = nfc(raw or "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            _refuse(_("Địa chỉ thư điện tử “%(email)s” không hợp lệ.") % {"email": email}, "email")
    return email


def check_kind(kind: AccountKind, agency: Agency | None) -> None:
    if kind == AccountKind.OFFICER and agency is None:
        _refuse(_("Tài khoản cán bộ đơn vị phải thuộc một cơ quan, đơn vị."), "agency")
    if kind == AccountKind.READER and agency is not None:
        _refuse(
            _("Tài khoản theo dõi không thuộc đơn vị nào; hãy bỏ trống đơn vị."),
            "agency",
        )
    if agency is not None and not agency.is_active:
        _refuse(
            _("%(agency)s không còn hoạt động; hãy chọn đơn vị kế thừa.") % {"agency": agency},
            "agency",
        )


def _active_staff(exclude_pk) -> bool:
    """Whether any other active account would still be province staff."""
    others = User.objects.filter(is_active=True).exclude(pk=exclude_pk)
    return others.filter(Q(is_superuser=True) | Q(groups__name=PROVINCE_STAFF_GROUP)).exists()


def _check_not_last_staff(user: User) -> None:
    if kind_of(user) == AccountKind.STAFF and not _active_staff(user.pk):
        _refuse(
            _(
                "%(user)s là cán bộ thi đua, khen thưởng cuối cùng của tỉnh: hãy tạo hoặc mở "
                "lại tài khoản cán bộ khác trước."
            )
            % {"user": user}
        )


@transaction.atomic
def create_account(
    *,
    actor,
    username: str,
    full_name: str,
    kind: AccountKind,
    position: str = "",
    email: str = "",
    agency: Agency | None = None,
) -> User:
    """A new account with no usable password: its owner sets one from a one-time link."""
    username = clean_username(username)
    _check_username_free(username)
    full_name = collapse_spaces(full_name)
    if not full_name:
        _refuse(_("Vui lòng nhập họ và tên."), "full_name")
    check_kind(kind, agency)
    user = User(
        username=username,
        full_name=full_name,
        position=collapse_spaces(position),
        email=clean_email(email),
        agency=agency,
        must_change_password=True,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if kind == AccountKind.STAFF:
        user.groups.add(_staff_group())
    log_action(
        "emulation.user.created",
        user,
        actor=actor,
        data={
            "username": [None, user.username],
            "full_name": [None, user.full_name],
            "position": [None, user.position],
            "email": [None, user.email],
            "agency": [None, str(agency) if agency else None],
            "kind": [None, str(kind)],
        },
    )
    return user


@transaction.atomic
def update_account(user: User, *, actor, kind: AccountKind | None = None, **fields) -> dict:
    """Change an account's name, position, email, agency or kind; returns what changed."""
    unknown = set(fields) - {"username", "full_name", "position", "email", "agency"}
    if unknown:
        raise TypeError(f"update_account cannot change {sorted(unknown)}")
    user = accounts_queryset().select_for_update(of=("self",)).get(pk=user.pk)
    old_kind = kind_of(user)
    kind = kind or old_kind
    changes = dict(fields)
    if "username" in changes:
        changes["username"] = clean_username(changes["username"])
        _check_username_free(changes["username"], exclude_pk=user.pk)
    if "full_name" in changes:
        changes["full_name"] = collapse_spaces(changes["full_name"])
        if not changes["full_name"]:
            _refuse(_("Vui lòng nhập họ và tên."), "full_name")
    if "position" in changes:
        changes["position"] = collapse_spaces(changes["position"])
    if "email" in changes:
        changes["email"] = clean_email(changes["email"])
    agency = changes.get("agency", user.agency)
    if agency != user.agency or kind != old_kind:
        check_kind(kind, agency)
    extra = {}
    if kind != old_kind:
        if old_kind == AccountKind.STAFF:
            if user.is_superuser:
                _refuse(_("Tài khoản quản trị hệ thống luôn là cán bộ tỉnh."))
            _check_not_last_staff(user)
            user.groups.remove(_staff_group())
        elif kind == AccountKind.STAFF:
            user.groups.add(_staff_group())
        extra = {"kind": [str(old_kind), str(kind)]}
    changed = apply_changes(
        user,
        changes,
        actor=actor,
        action="emulation.user.updated",
        clean_exclude=["password"],
        data=extra,
    )
    if extra and not changed:
        log_action("emulation.user.updated", user, actor=actor, data=extra)
    return {**changed, **extra}


@transaction.atomic
def set_account_active(user: User, active: bool, *, actor) -> User:
    """Deactivate (the account can no longer sign in; its history stays) or reactivate."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    if not active:
        if getattr(actor, "pk", None) == user.pk:
            _refuse(_("Bạn không thể tự khóa tài khoản của mình."))
        _check_not_last_staff(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    action = "emulation.user.reactivated" if active else "emulation.user.deactivated"
    log_action(action, user, actor=actor, data={"is_active": [not active, active]})
    return user


# --- One-time set-password links -----------------------------------------------------------


def password_link(user: User) -> str:
    """The absolute one-time link to set a password (Django's token: it dies once the password
    is set or the user signs in, or after PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def _check_can_sign_in(user: User) -> None:
    if not user.is_active:
        _refuse(_("Tài khoản %(user)s đã bị khóa: hãy mở lại trước.") % {"user": user})


@transaction.atomic
def issue_password_link(user: User, *, actor) -> str:
    """A set-password link for staff to hand over; the audit says who made one (never the link)."""
    _check_can_sign_in(user)
    log_action("emulation.user.password_link_created", user, actor=actor)
    return password_link(user)


@dataclass(frozen=True)
class LinkMail:
    sent: list
    skipped: list


def _link_message(user: User, link: str) -> EmailMessage:
    context = {
        "user": user,
        "link": link,
        "site_url": settings.SITE_URL,
        "office": settings.EMULATION_OFFICE_NAME,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    subject = render_to_string("blocs/accounts/password_link_subject.txt", context)
    body = render_to_string("blocs/accounts/password_link_email.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


def email_password_links(users, *, actor) -> LinkMail:
    """Email each active account with an address its set-password link, over one connection.

    The audit entry is written once the mail has left; accounts without an address are
    skipped and returned, so the page can show their links instead.
    """
    sent, skipped, messages = [], [], []
    for user in users:
        if not user.is_active or not user.email:
            skipped.append(user)
            continue
        messages.append(_link_message(user, password_link(user)))
        sent.append(user)
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    with transaction.atomic():
        for user in sent:
            log_action(
                "emulation.user.password_link_emailed", user, actor=actor, data={"to": user.email}
            )
    return LinkMail(sent, skipped)


@transaction.atomic
def record_password_set(user: User, *, actor, action: str = "emulation.user.password_changed"):
    """After a password was set (link) or changed: no forced change any more, and audited."""
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    # Setting the password from a mailed or handed link proves the account's owner: a lockout
    # from someone else's guesses ends with it.
    forget_failures(user.username)
    log_action(action, user, actor=actor, data={"password": "đã thay đổi"})


# --- Self-service reset throttle -----------------------------------------------------------


def _address_key(email: str) -> str:
    """A short hash of the normalised address: the audit log never lists addresses people typed
    (some belong to nobody), yet requests for one address can be counted."""
    return hashlib.sha256(nfc(email or "").lower().encode()).hexdigest()[:24]


def reset_allowed(email: str, ip_address: str | None) -> bool:
    """At most RESETS_PER_ADDRESS requests per address and RESETS_PER_IP per client address in
    the last hour, whether or not the address belongs to an account."""
    recent = AuditEntry.objects.filter(
        action=PASSWORD_RESET_REQUESTED, created_at__gte=timezone.now() - timedelta(hours=1)
    )
    if recent.filter(data__address=_address_key(email)).count() >= RESETS_PER_ADDRESS:
        return False
    return not (ip_address and recent.filter(ip_address=ip_address).count() >= RESETS_PER_IP)


def record_reset_request(email: str) -> None:
    """Count one self-service request (the IP comes from the request, through the audit)."""
    log_action(PASSWORD_RESET_REQUESTED, None, actor=None, data={"address": _address_key(email)})


# --- Observers and liaison of a bloc-year --------------------------------------------------


def _reader(username: str) -> User:
    username = nfc(username or "").lower()
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        _refuse(
            _("Không có tài khoản đang hoạt động tên “%(username)s”.") % {"username": username},
            "username",
        )
    return user


@transaction.atomic
def add_observer(bloc_year: BlocYear, username: str, *, actor) -> User:
    """Let an account read the bloc-year (read-only)."""
    user = _reader(username)
    if bloc_year.observers.filter(pk=user.pk).exists():
        _refuse(_("%(user)s đã là người theo dõi khối này.") % {"user": user}, "username")
    bloc_year.observers.add(user)
    log_action(
        "blocs.bloc_year.observer_added", bloc_year, actor=actor, data={"observer": [None, user]}
    )
    return user


@transaction.atomic
def remove_observer(bloc_year: BlocYear, user: User, *, actor) -> None:
    if not bloc_year.observers.filter(pk=user.pk).exists():
        _refuse(_("%(user)s không phải người theo dõi khối này.") % {"user": user})
    bloc_year.observers.remove(user)
    log_action(
        "blocs.bloc_year.observer_removed", bloc_year, actor=actor, data={"observer": [user, None]}
    )


@transaction.atomic
def set_liaison_user(bloc_year: BlocYear, username: str, *, actor) -> User | None:
    """Link the liaison's account (read-only on the bloc-year), or unlink it with ""."""
    user = _reader(username) if nfc(username or "") else None
    bloc_year = BlocYear.objects.select_for_update().get(pk=bloc_year.pk)
    apply_changes(
        bloc_year, {"liaison_user": user}, actor=actor, action="blocs.bloc_year.liaison_changed"
    )
    return user
