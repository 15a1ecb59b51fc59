from django.db import migrations


def seed(apps, schema_editor):
    from advisors.reference_data import seed_trainings

    seed_trainings(apps.get_model("advisors", "Training"))


class Migration(migrations.Migration):
    dependencies = [("advisors", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
