from django.db import migrations

from blocs.covenant_defaults import DEFAULT_CLAUSES, DEFAULT_PREAMBLE, DEFAULT_TITLE_PATTERN


def seed(apps, schema_editor):
    CovenantTemplate = apps.get_model("blocs", "CovenantTemplate")
    CovenantTemplateClause = apps.get_model("blocs", "CovenantTemplateClause")
    if CovenantTemplate.objects.exists():
        return
    template = CovenantTemplate.objects.create(
        title_pattern=DEFAULT_TITLE_PATTERN, preamble=DEFAULT_PREAMBLE
    )
    CovenantTemplateClause.objects.bulk_create(
        CovenantTemplateClause(template=template, order=index, text=text)
        for index, text in enumerate(DEFAULT_CLAUSES, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("blocs", "0004_covenant_models")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
