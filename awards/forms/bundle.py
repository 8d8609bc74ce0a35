"""The upload of a former province's bundle: which province it is, and the JSON file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import FormerProvince
from emulation.pipeline import UploadForm


class BundleUploadForm(UploadForm):
    """The pipeline's upload form plus the former province the bundle is for."""

    field_order = ["former_province", "file"]
    former_province = forms.ModelChoiceField(
        label=_("Tỉnh cũ"),
        queryset=FormerProvince.objects.all(),
        empty_label=_("— Chọn tỉnh cũ —"),
    )

    @classmethod
    def initial_from(cls, query) -> dict:
        """The province profile links here with ?province=<pk> to preselect it."""
        province = query.get("province", "")
        return {"former_province": int(province)} if province.isdigit() else {}

    def options(self) -> dict:
        return {"province": self.cleaned_data["former_province"].pk}
