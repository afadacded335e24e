"""The Deadline model now lives in cases (cases 0010): notices point to it there.

State only: the foreign key column and its constraint are unchanged.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_deadline_moves_to_cases'),
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='notification',
                    name='deadline',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='cases.deadline', verbose_name='échéance'),
                ),
                migrations.DeleteModel(name='Deadline'),
            ],
            database_operations=[],
        ),
    ]
