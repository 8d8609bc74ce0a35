"""AwardType now lives in blocs (same table): awards' foreign keys point there in the state,
and its content type follows, so audit entries and permissions keep their target."""

import django.db.models.deletion
from django.db import migrations, models


def _relabel(apps, old, new):
    """Give the award type's content type its new app, keeping its id, so audit entries,
    issued documents and permissions keep pointing at it. A content type made for the new app
    in between (post_migrate after only one of the two migrations) is empty: its permissions
    are recreated by post_migrate, and audit entries (append-only, PROTECT) would refuse the
    delete rather than lose their object."""
    content_types = apps.get_model("contenttypes", "ContentType").objects
    stale = content_types.filter(app_label=old, model="awardtype").first()
    if stale is None:
        return
    content_types.filter(app_label=new, model="awardtype").delete()
    stale.app_label = new
    stale.save(update_fields=["app_label"])


def move_content_type(apps, schema_editor):
    _relabel(apps, "awards", "blocs")


def move_content_type_back(apps, schema_editor):
    _relabel(apps, "blocs", "awards")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
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
