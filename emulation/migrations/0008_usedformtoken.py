"""Spent one-time form tokens: the primary key refuses a form posted twice."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("emulation", "0007_audit_refuses_truncate")]

    operations = [
        migrations.CreateModel(
            name="UsedFormToken",
            fields=[
                (
                    "token",
                    models.CharField(
                        max_length=64, primary_key=True, serialize=False, verbose_name="mã một lần"
                    ),
                ),
                ("purpose", models.CharField(max_length=40, verbose_name="dùng cho")),
                (
                    "used_on",
                    models.DateField(
                        default=django.utils.timezone.localdate, verbose_name="ngày dùng"
                    ),
                ),
            ],
            options={
                "verbose_name": "mã biểu mẫu đã dùng",
                "verbose_name_plural": "mã biểu mẫu đã dùng",
            },
        ),
    ]
