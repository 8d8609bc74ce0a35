import datetime

from django.db import migrations

EXAMPLE = "Giá trị mẫu: Ban Thi đua - Khen thưởng cần xác nhận theo quy chế của tỉnh"

# poll kind, base, comparator, threshold (p, q), quorum (p, q), max marks, tie rule
RULES = [
    ("award", "all_members", "gt", (1, 2), (2, 3), None, "runoff"),
    ("next_head", "present", "gt", (1, 2), (2, 3), 1, "runoff"),
    ("next_deputy", "present", "gt", (1, 2), (2, 3), 1, "runoff"),
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("awards", "RuleSet")
    for kind, base, comparator, threshold, quorum, max_marks, tie_rule in RULES:
        RuleSet.objects.get_or_create(
            poll_kind=kind,
            award_type=None,
            effective_from=datetime.date(2024, 1, 1),
            defaults={
                "base": base,
                "comparator": comparator,
                "threshold_numerator": threshold[0],
                "threshold_denominator": threshold[1],
                "quorum_numerator": quorum[0],
                "quorum_denominator": quorum[1],
                "max_marks": max_marks,
                "self_vote_allowed": True,
                "tie_rule": tie_rule,
                "legal_basis": EXAMPLE,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("awards", "0005_voting_sessions_polls_ballots")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
