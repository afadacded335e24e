"""Deadlines are facts of the dossier: the model moves from notifications to cases.

State only: the table stays where it is until 0011 renames it, so no row moves.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accords', '0003_history'),
        ('cases', '0009_worker_name_trigram_indexes'),
        ('notifications', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Deadline',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                        ('updated', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                        ('kind', models.CharField(choices=[('akto_deposit', "Dépôt du dossier à l'AKTO"), ('akto_decision', "Décision de l'AKTO"), ('fund_reservation', 'Réservation des fonds'), ('fpett_opinion', 'Avis du FPE.TT'), ('mission_obligation', 'Obligation de missions'), ('reimbursement_request', 'Demande de remboursement')], max_length=30, verbose_name='échéance')),
                        ('label', models.CharField(max_length=200, verbose_name='libellé')),
                        ('due', models.DateField(verbose_name='date limite')),
                        ('safe_date', models.DateField(help_text="Dernier jour ouvré (lundi–vendredi, hors fériés) avant l'échéance.", verbose_name='jour ouvré sûr')),
                        ('status', models.CharField(choices=[('open', 'À faire'), ('met', 'Respectée'), ('breached', 'Dépassée'), ('waived', 'Levée')], default='open', max_length=10, verbose_name='statut')),
                        ('met_at', models.DateTimeField(blank=True, null=True, verbose_name='respectée le')),
                        ('breached_at', models.DateTimeField(blank=True, null=True, verbose_name='dépassée le')),
                        ('waived_at', models.DateTimeField(blank=True, null=True, verbose_name='levée le')),
                        ('waiver_reason', models.TextField(blank=True, verbose_name='motif de la levée')),
                        ('escalation_level', models.PositiveSmallIntegerField(default=0, verbose_name="niveau d'escalade")),
                        ('source', models.CharField(max_length=300, verbose_name='source')),
                        ('silence', models.CharField(blank=True, help_text='accepted ou refused', max_length=10, verbose_name='sens du silence')),
                        ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='cases.dossier', verbose_name='dossier')),
                        ('rule_set', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accords.ruleset', verbose_name='règles appliquées')),
                        ('waived_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='levée par')),
                    ],
                    options={
                        'verbose_name': 'échéance',
                        'verbose_name_plural': 'échéances',
                        'ordering': ['due', 'pk'],
                        'db_table': 'notifications_deadline',
                        'indexes': [
                            models.Index(fields=['status', 'safe_date'], name='deadline_status_safe_idx'),
                            models.Index(fields=['status', 'due'], name='deadline_status_due_idx'),
                        ],
                        'constraints': [
                            models.UniqueConstraint(fields=('dossier', 'kind'), name='unique_deadline_per_kind'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
