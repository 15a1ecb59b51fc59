from django.db import migrations


def seed(apps, schema_editor):
    from kototori.reference_data import seed_reference_data

    seed_reference_data(apps.get_model("kototori", "Topic"), apps.get_model("kototori", "Language"))


class Migration(migrations.Migration):
    dependencies = [("kototori", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
