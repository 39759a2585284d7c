from django.db import migrations

KEY_REASONS = [
    "Relationship difficulties at home",
    "Relationship difficulties at school",
    "Behaviour: home and community",
    "Behaviour: school",
    "Attendance in an educational setting",
    "Parenting",
    "Emotional wellbeing and mental health",
    "Parental mental health",
    "Domestic abuse",
    "Substance misuse",
    "Housing",
    "Finance and debt",
    "Young carer",
    "Physical health",
]

OUTCOMES = [
    "Needs met: support complete",
    "Stepped down to universal services",
    "Stepped up to children's social care",
    "Referred to another service",
    "Family disengaged or withdrew consent",
    "Family moved out of area",
]


def add_lists(apps, schema_editor):
    KeyReason = apps.get_model("cases", "KeyReason")
    Outcome = apps.get_model("cases", "Outcome")
    for position, name in enumerate(KEY_REASONS):
        KeyReason.objects.get_or_create(name=name, defaults={"position": position})
    for position, name in enumerate(OUTCOMES):
        Outcome.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(add_lists, migrations.RunPython.noop)]
