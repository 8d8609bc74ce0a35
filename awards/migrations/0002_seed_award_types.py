from django.db import migrations

from awards.seed import AWARD_TYPES


def seed(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    for order, (code, legal, label, kind, recipient, level) in enumerate(AWARD_TYPES, start=1):
        AwardType.objects.get_or_create(
            code=code,
            defaults={
                "legal_name": legal,
                "label": label,
                "kind": kind,
                "recipient": recipient,
                "deciding_level": level,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
