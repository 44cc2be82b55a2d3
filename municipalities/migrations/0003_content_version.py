import uuid

from django.db import migrations, models

import municipalities.content_version


def give_each_its_own_token(apps, schema_editor):
    Municipality = apps.get_model("municipalities", "Municipality")
    for pk in Municipality.objects.values_list("pk", flat=True):
        Municipality.objects.filter(pk=pk).update(content_version=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0002_order_by_key_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="content_version",
            field=models.CharField(
                default=municipalities.content_version.new_token, editable=False, max_length=32
            ),
        ),
        migrations.RunPython(give_each_its_own_token, migrations.RunPython.noop),
    ]
