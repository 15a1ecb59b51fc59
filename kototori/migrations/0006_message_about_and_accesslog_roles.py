"""Outgoing messages say which record they are about; access-log rows which roles the reader held.

Backfill of ``OutboundMessage.about_type`` / ``about_id``: every message the app queues has an
idempotency key that names its occasion and record (``referral-sent:<referral>``,
``event-reminder:<registration>``, ``case-escalated:<case>:…``), so existing rows are tied to that
record. The table below is a frozen copy of ``kototori.messaging.KEY_SUBJECTS`` as it was when this
migration was written.

What cannot be backfilled:
- rows whose key has another form (written by hand, or by code that no longer exists) stay without
  a record: erasure does not find them, and the 30-day outbox rule clears their text;
- messages that the old erasure emptied because their text contained the erased person's first
  name cannot be restored: their text is gone (restoring it from a backup would also restore the
  people erased since).

``AccessLog.roles`` is not backfilled: the log is append-only (a database trigger refuses every
UPDATE). For older rows the copy of one's data reads the role from the memberships held at the time
(``kototori.rights.services``).
"""

from django.db import migrations, models

KEY_SUBJECTS = {
    "referral-sent": "visits.referral",
    "case-transfer": "visits.case",
    "case-escalated": "visits.case",
    "case-deescalated": "visits.case",
    "stale-remind": "visits.case",
    "stale-return": "visits.case",
    "stale-returned": "visits.case",
    "follow-up": "visits.case",
    "shift-remind": "advisors.shiftsignup",
    "assignment-offer": "advisors.assignmentoffer",
    "assignment-confirmed": "advisors.assignment",
    "assignment-remind": "advisors.assignment",
    "invite": "kototori.membership",
    "monthly-report": "reports.storedreport",
}


def _about(key):
    prefix, _sep, rest = key.partition(":")
    label = KEY_SUBJECTS.get(prefix)
    if label is None and prefix.startswith("event-"):
        label = "events.registration"
    number = rest.split(":", 1)[0]
    if label is None or not number.isdecimal():
        return "", None
    return label, int(number)


def link_messages(apps, schema_editor):
    OutboundMessage = apps.get_model("kototori", "OutboundMessage")
    rows = OutboundMessage.objects.filter(about_type="").only("pk", "key")
    for message in rows.iterator(chunk_size=1000):
        about_type, about_id = _about(message.key)
        if about_type:
            OutboundMessage.objects.filter(pk=message.pk).update(
                about_type=about_type, about_id=about_id
            )


class Migration(migrations.Migration):
    dependencies = [
        ("kototori", "0005_membership_ended_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslog",
            name="roles",
            field=models.CharField(blank=True, default="", max_length=120, verbose_name="roles"),
        ),
        migrations.AddField(
            model_name="outboundmessage",
            name="about_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="about record"),
        ),
        migrations.AddField(
            model_name="outboundmessage",
            name="about_type",
            field=models.CharField(
                blank=True, default="", max_length=40, verbose_name="about record type"
            ),
        ),
        migrations.AddIndex(
            model_name="outboundmessage",
            index=models.Index(fields=["about_type", "about_id"], name="outbox_about_idx"),
        ),
        migrations.RunPython(link_messages, migrations.RunPython.noop, elidable=True),
    ]
