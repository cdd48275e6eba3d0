"""Refuse UPDATE of clause versions in the database itself, whatever code path tries it."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION deliberation_clauseversion_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'clause versions are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER deliberation_clauseversion_immutable
    BEFORE UPDATE ON deliberation_clauseversion
    FOR EACH ROW EXECUTE FUNCTION deliberation_clauseversion_refuse_update();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS deliberation_clauseversion_immutable ON deliberation_clauseversion;
DROP FUNCTION IF EXISTS deliberation_clauseversion_refuse_update();
"""
SQLITE_FORWARD = """
CREATE TRIGGER deliberation_clauseversion_immutable
BEFORE UPDATE ON deliberation_clauseversion
BEGIN
    SELECT RAISE(ABORT, 'clause versions are immutable');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS deliberation_clauseversion_immutable;"


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
    dependencies = [("deliberation", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
