# Login throttling moved to django-axes (emulation.login_protection): its own counter goes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("emulation", "0008_usedformtoken"),
    ]

    operations = [
        migrations.DeleteModel(name="LoginFailure"),
    ]
