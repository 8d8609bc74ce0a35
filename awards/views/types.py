"""Award type pages for province staff: the list, adding a type, editing label, order and use."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from awards.forms.types import AwardTypeCreateForm, AwardTypeEditForm
from awards.models import AwardType
from awards.services.types import create_award_type, update_award_type
from blocs.permissions import require_province_staff
from emulation.forms import show_errors
from emulation.models import AuditEntry


def award_type_list(request):
    require_province_staff(request)
    return render(
        request,
        "awards/types/list.html",
        {"award_types": AwardType.objects.order_by("order", "code")},
    )


def award_type_create(request):
    require_province_staff(request)
    form = AwardTypeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            award_type = create_award_type(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("Đã thêm %(label)s.") % {"label": award_type.label})
            return redirect("awards:award_type_list")
    return render(request, "awards/types/form.html", {"form": form, "award_type": None})


def award_type_edit(request, pk):
    require_province_staff(request)
    award_type = get_object_or_404(AwardType, pk=pk)
    if request.method == "POST":
        form = AwardTypeEditForm(request.POST)
        if form.is_valid():
            try:
                update_award_type(award_type, **form.cleaned_data, actor=request.user)
            except ValidationError as error:
                show_errors(request, error, form)
            else:
                messages.success(request, _("Đã lưu %(code)s.") % {"code": award_type.code})
                return redirect("awards:award_type_list")
    else:
        form = AwardTypeEditForm(
            initial={
                "legal_name": award_type.legal_name,
                "label": award_type.label,
                "order": award_type.order,
                "active": award_type.active,
            }
        )
    return render(
        request,
        "awards/types/form.html",
        {
            "form": form,
            "award_type": award_type,
            "history": AuditEntry.objects.for_object(award_type)[:50],
        },
    )
