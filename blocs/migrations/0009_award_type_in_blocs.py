"""AwardType moves to blocs (registrations name the titles they seek), keeping its table
awards_awardtype: the state changes, the database does not."""

import emulation.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blocs", "0008_former_provinces"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AwardType",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.CharField(max_length=30, unique=True, verbose_name="mã")),
                        (
                            "legal_name",
                            emulation.fields.NFCCharField(
                                max_length=300, verbose_name="tên theo quy định"
                            ),
                        ),
                        (
                            "label",
                            emulation.fields.NFCCharField(
                                max_length=300, verbose_name="tên hiển thị"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("title", "Danh hiệu thi đua"),
                                    ("award", "Hình thức khen thưởng"),
                                ],
                                max_length=10,
                                verbose_name="loại",
                            ),
                        ),
                        (
                            "recipient",
                            models.CharField(
                                choices=[
                                    ("collective", "Tập thể"),
                                    ("individual", "Cá nhân"),
                                    ("both", "Tập thể và cá nhân"),
                                ],
                                max_length=12,
                                verbose_name="đối tượng",
                            ),
                        ),
                        (
                            "deciding_level",
                            models.CharField(
                                choices=[
                                    ("president", "Chủ tịch nước"),
                                    ("prime_minister", "Thủ tướng Chính phủ"),
                                    ("province_chairman", "Chủ tịch UBND tỉnh"),
                                    ("agency_head", "Thủ trưởng cơ quan, đơn vị"),
                                ],
                                max_length=20,
                                verbose_name="cấp quyết định",
                            ),
                        ),
                        (
                            "order",
                            models.PositiveSmallIntegerField(default=0, verbose_name="thứ tự"),
                        ),
                        ("active", models.BooleanField(default=True, verbose_name="đang sử dụng")),
                    ],
                    options={
                        "verbose_name": "danh hiệu, hình thức khen thưởng",
                        "verbose_name_plural": "danh hiệu, hình thức khen thưởng",
                        "db_table": "awards_awardtype",
                        "ordering": ["order", "code"],
                    },
                ),
                migrations.AlterField(
                    model_name="registration",
                    name="titles",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="blocs.awardtype",
                        verbose_name="danh hiệu đăng ký",
                    ),
                ),
            ],
        ),
    ]
