"""Seed the eligibility rules: the Government Flag quota (20 %, round down) and the leading-unit
rules enabled; two history templates disabled until the province confirms its own numbers."""

import datetime
from decimal import Decimal

from django.db import migrations

CONFIRM = (
    "Mẫu quy tắc, chưa áp dụng. Số năm, số lần và danh hiệu cần đạt trước khác nhau giữa các "
    "tỉnh và thay đổi theo quy định: tỉnh cần xác nhận các con số theo quy chế thi đua, khen "
    "thưởng của mình rồi mới bật quy tắc này."
)

RULES = [
    # kind, award code, required code, percent, years, times, includes year, enabled, basis, text
    (
        "quota",
        "CO_CP",
        None,
        Decimal("20"),
        None,
        None,
        False,
        True,
        "Luật Thi đua, khen thưởng số 06/2022/QH15 và văn bản hướng dẫn",
        "Số tập thể đề nghị Cờ thi đua của Chính phủ không vượt quá 20% số tập thể được bình "
        "chọn dẫn đầu các khối, cụm thi đua của tỉnh trong năm (làm tròn xuống).",
    ),
    (
        "leading_only",
        "CO_CP",
        None,
        None,
        None,
        None,
        False,
        True,
        "Luật Thi đua, khen thưởng số 06/2022/QH15 và văn bản hướng dẫn",
        "Cờ thi đua của Chính phủ xét trong số tập thể được bình chọn dẫn đầu khối, cụm thi đua.",
    ),
    (
        "leading_only",
        "CO_TINH",
        None,
        None,
        None,
        None,
        False,
        True,
        "Quy chế thi đua, khen thưởng của tỉnh",
        "Cờ thi đua của UBND tỉnh tặng đơn vị được bình chọn dẫn đầu khối thi đua.",
    ),
    ("consecutive", "CO_TINH", "TTLDXS", None, 2, None, True, False, "", CONFIRM),
    ("window", "CO_CP", "CO_TINH", None, 5, 2, False, False, "", CONFIRM),
]


def seed(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    EligibilityRule = apps.get_model("awards", "EligibilityRule")
    types = {award.code: award for award in AwardType.objects.all()}
    for kind, code, required, percent, years, times, includes, enabled, basis, text in RULES:
        if code not in types or (required and required not in types):
            continue
        EligibilityRule.objects.get_or_create(
            kind=kind,
            award_type=types[code],
            required_award_type=types.get(required) if required else None,
            effective_from=datetime.date(2024, 1, 1),
            defaults={
                "percent": percent,
                "rounding": "floor",
                "years": years,
                "times": times,
                "includes_achievement_year": includes,
                "enabled": enabled,
                "legal_basis": basis,
                "explanation": text,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("awards", "0003_proposals_and_ledger")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
