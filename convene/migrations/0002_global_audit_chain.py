from django.db import migrations

GENESIS = "0" * 64


def create_global_chain(apps, schema_editor):
    AuditChain = apps.get_model("convene", "AuditChain")
    AuditChain.objects.get_or_create(key="global", defaults={"head_hash": GENESIS})


class Migration(migrations.Migration):
    dependencies = [("convene", "0001_initial")]

    operations = [migrations.RunPython(create_global_chain, migrations.RunPython.noop)]
