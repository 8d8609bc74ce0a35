"""The signed-in user's notifications: the list, marking read, and the email preference."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .forms import PortalForm
from .models import Notification
from .notifications import set_email_preference

PAGE_SIZE = 30


class NotificationPreferenceForm(PortalForm):
    email_notifications = forms.BooleanField(
        label=_("Nhận thông báo qua thư điện tử"), required=False
    )


def notification_list(request):
    """Newest first, a page at a time, so a user with years of reminders still loads fast."""
    page = Paginator(Notification.objects.filter(recipient=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "emulation/notifications.html", {"notifications": page.object_list, "page": page}
    )


@require_POST
def notification_open(request, pk):
    """Mark one read and follow its link (a local path only)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notification_list")


@require_POST
def notification_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, _("Đã đánh dấu mọi thông báo là đã đọc."))
    return redirect("notification_list")


def notification_preferences(request):
    user = request.user
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"email_notifications": user.email_notifications},
    )
    if request.method == "POST" and form.is_valid():
        set_email_preference(user, form.cleaned_data["email_notifications"])
        messages.success(request, _("Đã lưu lựa chọn nhận thông báo."))
        return redirect("notification_list")
    return render(request, "emulation/notification_preferences.html", {"form": form})
