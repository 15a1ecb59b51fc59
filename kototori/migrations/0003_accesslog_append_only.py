"""The access log is append-only in the database itself (GDPR art. 5(2), 32; OWASP ASVS 5.0 V16.4):
no role the application connects as can change or remove a row, whatever the code does.

Rows older than the retention period (24 months) may be deleted by the retention job; nothing else.
PostgreSQL only; SQLite (local demo) has no such guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION kototori_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '24 months' THEN
        RETURN OLD;  -- the retention job removes expired rows
    END IF;
    RAISE EXCEPTION 'kototori_accesslog is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS kototori_accesslog_append_only ON kototori_accesslog;
CREATE TRIGGER kototori_accesslog_append_only
    BEFORE UPDATE OR DELETE ON kototori_accesslog
    FOR EACH ROW EXECUTE FUNCTION kototori_accesslog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS kototori_accesslog_append_only ON kototori_accesslog;
DROP FUNCTION IF EXISTS kototori_accesslog_append_only();
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("kototori", "0002_reference_data")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
