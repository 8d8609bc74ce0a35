"""AwardType now lives in blocs (same table): awards' foreign keys point there in the state,
and its content type follows, so audit entries and permissions keep their target."""

import django.db.models.deletion
from django.db import migrations, models


def _relabel(apps, old, new):
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label=new, model="awardtype").exists():
        content_types.filter(app_label=old, model="awardtype").update(app_label=new)


def move_content_type(apps, schema_editor):
    _relabel(apps, "awards", "blocs")


def move_content_type_back(apps, schema_editor):
    _relabel(apps, "blocs", "awards")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("awards", "0012_former_provinces"),
        ("blocs", "0009_award_type_in_blocs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="eligibilityrule",
                    name="required_award_type",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="blocs.awardtype",
                        verbose_name="danh hiệu cần đạt trước",
                    ),
                ),
                migrations.AlterField(
                    model_name="poll",
                    name="award_type",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="polls",
                        to="blocs.awardtype",
                        verbose_name="danh hiệu, hình thức",
                    ),
                ),
                migrations.AlterField(
                    model_name="eligibilityrule",
                    name="award_type",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="eligibility_rules",
                        to="blocs.awardtype",
                        verbose_name="áp dụng cho",
                    ),
                ),
                migrations.AlterField(
                    model_name="ruleset",
                    name="award_type",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Để trống: áp dụng cho mọi danh hiệu chưa có quy tắc riêng.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rule_sets",
                        to="blocs.awardtype",
                        verbose_name="danh hiệu, hình thức",
                    ),
                ),
                migrations.AlterField(
                    model_name="awardproposal",
                    name="award_type",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="blocs.awardtype",
                        verbose_name="danh hiệu, hình thức",
                    ),
                ),
                migrations.AlterField(
                    model_name="awardrecord",
                    name="award_type",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="blocs.awardtype",
                        verbose_name="danh hiệu, hình thức",
                    ),
                ),
                migrations.DeleteModel(
                    name="AwardType",
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
