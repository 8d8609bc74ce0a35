from django.urls import path

from blocs.views import covenants, structure, transfer

app_name = "blocs"
urlpatterns = [
    path("bloc-years/<int:pk>/covenant/", covenants.covenant_detail, name="covenant_detail"),
    path("bloc-years/<int:pk>/covenant/create/", covenants.covenant_create, name="covenant_create"),
    path("bloc-years/<int:pk>/covenant/edit/", covenants.covenant_edit, name="covenant_edit"),
    path("bloc-years/<int:pk>/covenant/open/", covenants.covenant_open, name="covenant_open"),
    path("bloc-years/<int:pk>/covenant/reopen/", covenants.covenant_reopen, name="covenant_reopen"),
    path("bloc-years/<int:pk>/covenant/issue/", covenants.covenant_issue, name="covenant_issue"),
    path(
        "bloc-years/<int:pk>/covenant/deadline/",
        covenants.covenant_deadline,
        name="covenant_deadline",
    ),
    path("bloc-years/<int:pk>/covenant/pdf/", covenants.covenant_pdf_view, name="covenant_pdf"),
    path(
        "bloc-years/<int:pk>/covenant/signed.pdf",
        covenants.covenant_signed_pdf,
        name="covenant_signed_pdf",
    ),
    path(
        "bloc-years/<int:pk>/covenant/sign/<int:agency_pk>/",
        covenants.covenant_sign,
        name="covenant_sign",
    ),
    path(
        "bloc-years/<int:pk>/covenant/paper-signatures/",
        covenants.covenant_paper_signatures,
        name="covenant_paper_signatures",
    ),
    path(
        "bloc-years/<int:pk>/covenant/signatures/<int:signature_pk>/file/",
        covenants.covenant_signature_file,
        name="covenant_signature_file",
    ),
    path(
        "bloc-years/<int:pk>/covenant/signatures/<int:signature_pk>/void/",
        covenants.covenant_signature_void,
        name="covenant_signature_void",
    ),
    path(
        "bloc-years/<int:pk>/registrations/",
        covenants.registration_list,
        name="registration_list",
    ),
    path(
        "bloc-years/<int:pk>/registrations/mine/",
        covenants.registration_mine,
        name="registration_mine",
    ),
    path(
        "bloc-years/<int:pk>/registrations/<int:registration_pk>/",
        covenants.registration_detail,
        name="registration_detail",
    ),
    path(
        "bloc-years/<int:pk>/registrations/<int:registration_pk>/edit/",
        covenants.registration_edit,
        name="registration_edit",
    ),
    path(
        "bloc-years/<int:pk>/registrations/<int:registration_pk>/submit/",
        covenants.registration_submit,
        name="registration_submit",
    ),
    path(
        "bloc-years/<int:pk>/registrations/<int:registration_pk>/accept/",
        covenants.registration_accept,
        name="registration_accept",
    ),
    path(
        "bloc-years/<int:pk>/registrations/<int:registration_pk>/return/",
        covenants.registration_return,
        name="registration_return",
    ),
    path("covenant-template/", covenants.covenant_template_edit, name="covenant_template"),
    path("years/", structure.year_overview, name="year_overview"),
    path("bloc-years/<int:pk>/", structure.bloc_year_detail, name="bloc_year_detail"),
    path("bloc-years/<int:pk>/edit/", structure.bloc_year_edit, name="bloc_year_edit"),
    path("bloc-years/<int:pk>/leaders/", structure.bloc_year_leaders, name="bloc_year_leaders"),
    path(
        "bloc-years/<int:pk>/flags/<int:flag_pk>/",
        structure.membership_flag_resolve,
        name="membership_flag_resolve",
    ),
    path(
        "bloc-years/<int:pk>/apply-election/",
        structure.bloc_year_apply_election,
        name="bloc_year_apply_election",
    ),
    path("bloc-years/<int:pk>/members/add/", structure.member_add, name="member_add"),
    path(
        "bloc-years/<int:pk>/members/<int:membership_pk>/remove/",
        structure.member_remove,
        name="member_remove",
    ),
    path(
        "bloc-years/<int:pk>/members/<int:membership_pk>/signatory/",
        structure.member_signatory,
        name="member_signatory",
    ),
    path("bloc-years/new/", structure.bloc_year_create, name="bloc_year_create"),
    path("years/<int:year>/rollover/", structure.rollover_preview, name="rollover_preview"),
    path("years/<int:year>/rollover/apply/", structure.rollover_apply, name="rollover_apply"),
    path("agencies/", structure.agency_list, name="agency_list"),
    path("agencies/new/", structure.agency_create, name="agency_create"),
    path("agencies/<int:pk>/", structure.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", structure.agency_edit, name="agency_edit"),
    path("agencies/<int:pk>/rename/", structure.agency_rename, name="agency_rename"),
    path("agencies/<int:pk>/merge/", structure.agency_merge, name="agency_merge"),
    path(
        "agencies/<int:pk>/changes/<int:change_pk>/cancel/",
        structure.agency_change_cancel,
        name="agency_change_cancel",
    ),
    path("agencies/<int:pk>/dissolve/", structure.agency_dissolve, name="agency_dissolve"),
    path("list/", structure.bloc_list, name="bloc_list"),
    path("list/new/", structure.bloc_create, name="bloc_create"),
    path("list/<int:pk>/active/", structure.bloc_set_active, name="bloc_set_active"),
    path("years/export/", transfer.year_export, name="year_export"),
    path("excel/", transfer.transfer_home, name="transfer_home"),
    path("excel/<str:kind>/", transfer.import_page, name="import_page"),
    path("excel/<str:kind>/commit/", transfer.import_commit, name="import_commit"),
    path("excel/<str:kind>/cancel/", transfer.import_cancel, name="import_cancel"),
    path("excel/<str:kind>/template/", transfer.import_template, name="import_template"),
]
