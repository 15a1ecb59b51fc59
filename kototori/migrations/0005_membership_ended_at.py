from django.db import migrations, models
from django.utils import timezone


def start_the_clock(apps, schema_editor):
    # When a role ended before this field existed is unknown: count from today, so the former-member
    # rule never anonymises anyone earlier than the hub's period after this release.
    Membership = apps.get_model("kototori", "Membership")
    Membership.objects.filter(is_active=False, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kototori", "0004_outbox_sending_lease"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ended"),
        ),
        migrations.RunPython(start_the_clock, migrations.RunPython.noop),
    ]
