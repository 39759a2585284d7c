from pathlib import Path

from django.db import migrations

POLICY_TEXT = (Path(__file__).resolve().parent.parent / "aup_v1.txt").read_text()


def publish_first_policy(apps, schema_editor):
    Policy = apps.get_model("thrive", "AcceptableUsePolicy")
    Policy.objects.get_or_create(
        version=1, defaults={"title": "Thrive Acceptable Use Policy", "body": POLICY_TEXT}
    )


class Migration(migrations.Migration):
    dependencies = [("thrive", "0001_initial")]
    operations = [migrations.RunPython(publish_first_policy, migrations.RunPython.noop)]
