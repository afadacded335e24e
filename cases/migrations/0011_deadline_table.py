"""The deadlines' table takes the name of its app (notifications_deadline → cases_deadline),
and the content type of the model follows it, so that permissions and admin log entries
keep pointing at the same model."""

from django.db import migrations


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="cases", model="deadline").exists():
        ContentType.objects.using(db).filter(app_label="notifications", model="deadline").update(
            app_label="cases"
        )


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(
        app_label="notifications", model="deadline"
    ).exists():
        ContentType.objects.using(db).filter(app_label="cases", model="deadline").update(
            app_label="notifications"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_deadline_moves_to_cases'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('notifications', '0002_deadline_moves_to_cases'),
    ]

    operations = [
        migrations.AlterModelTable(name='deadline', table=None),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
