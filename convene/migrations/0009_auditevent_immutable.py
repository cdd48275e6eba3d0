"""Audit events are immutable in the database itself, whatever code path tries (issue 8, point 11).

As clause versions (deliberation 0002): an UPDATE is refused on PostgreSQL and SQLite. A DELETE of
a row is refused on PostgreSQL too; on SQLite it is left to the model and queryset guards, because
SQLite empties tables with DELETE (``manage.py flush``, the test runner), which a row trigger
would refuse. Removing a whole chain stays possible only by TRUNCATE, as a database owner: the
chain heads in ``convene_auditchain`` and any published head then tell the truth.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION convene_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER convene_auditevent_immutable
    BEFORE UPDATE OR DELETE ON convene_auditevent
    FOR EACH ROW EXECUTE FUNCTION convene_auditevent_refuse_change();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS convene_auditevent_immutable ON convene_auditevent;
DROP FUNCTION IF EXISTS convene_auditevent_refuse_change();
"""
SQLITE_FORWARD = """
CREATE TRIGGER convene_auditevent_immutable
BEFORE UPDATE ON convene_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are immutable');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS convene_auditevent_immutable;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("convene", "0008_verify_invited_addresses")]

    operations = [migrations.RunPython(forward, backward)]
