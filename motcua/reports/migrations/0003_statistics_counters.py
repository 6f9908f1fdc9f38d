"""Statistics counters: day, month and year buckets, per-dossier tallies and the fill state (ADR 0005)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_unit_due_soon_hours'),
        ('catalog', '0002_procedureversion_no_overlap'),
        ('dossiers', '0004_dossier_counted'),
        ('reports', '0002_periodsnapshot_immutable'),
    ]

    operations = [
        migrations.CreateModel(
            name='CounterFill',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('last_run_at', models.DateTimeField(blank=True, null=True, verbose_name='lần tổng hợp gần nhất')),
                ('last_counted', models.PositiveIntegerField(default=0, verbose_name='số hồ sơ đã tổng hợp lần gần nhất')),
                ('last_seconds', models.FloatField(default=0, verbose_name='thời gian chạy (giây)')),
                ('rebuilt_at', models.DateTimeField(blank=True, null=True, verbose_name='lần tính lại toàn bộ gần nhất')),
                ('sequence', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'trạng thái tổng hợp số liệu',
                'verbose_name_plural': 'trạng thái tổng hợp số liệu',
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='counterfill_single_row')],
            },
        ),
        migrations.CreateModel(
            name='DossierTally',
            fields=[
                ('dossier', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='tally', serialize=False, to='dossiers.dossier')),
                ('channel', models.PositiveSmallIntegerField()),
                ('days', models.JSONField(default=dict)),
                ('counted_at', models.DateTimeField()),
                ('procedure_version', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.procedureversion')),
                ('unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.unit')),
            ],
            options={
                'verbose_name': 'phần đóng góp của hồ sơ vào bộ đếm',
                'verbose_name_plural': 'phần đóng góp của hồ sơ vào bộ đếm',
            },
        ),
        migrations.CreateModel(
            name='CounterBucket',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grain', models.CharField(choices=[('d', 'Ngày'), ('m', 'Tháng'), ('y', 'Năm')], max_length=1, verbose_name='độ dài kỳ')),
                ('period', models.DateField(verbose_name='ngày đầu kỳ')),
                ('channel', models.PositiveSmallIntegerField(verbose_name='kênh nộp')),
                ('received', models.IntegerField(default=0)),
                ('received_online', models.IntegerField(default=0)),
                ('received_counter', models.IntegerField(default=0)),
                ('received_postal', models.IntegerField(default=0)),
                ('resolved', models.IntegerField(default=0)),
                ('resolved_early', models.IntegerField(default=0)),
                ('resolved_on_time', models.IntegerField(default=0)),
                ('resolved_late', models.IntegerField(default=0)),
                ('resolved_portal_on_time', models.IntegerField(default=0)),
                ('resolved_awaiting_supplement', models.IntegerField(default=0)),
                ('resolved_late_within_extended', models.IntegerField(default=0)),
                ('refused', models.IntegerField(default=0)),
                ('ended_otherwise', models.IntegerField(default=0)),
                ('ended_otherwise_portal_on_time', models.IntegerField(default=0)),
                ('stopped', models.IntegerField(default=0)),
                ('withdrawn', models.IntegerField(default=0)),
                ('apologies', models.IntegerField(default=0)),
                ('minutes_sum', models.BigIntegerField(default=0)),
                ('minutes_count', models.IntegerField(default=0)),
                ('pending_change', models.IntegerField(default=0)),
                ('pending_in_time_change', models.IntegerField(default=0)),
                ('pending_overdue_change', models.IntegerField(default=0)),
                ('not_collected_change', models.IntegerField(default=0)),
                ('procedure_version', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.procedureversion', verbose_name='thủ tục')),
                ('unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.unit', verbose_name='đơn vị')),
            ],
            options={
                'verbose_name': 'bộ đếm thống kê',
                'verbose_name_plural': 'bộ đếm thống kê',
                'indexes': [models.Index(fields=['unit', 'grain', 'period'], name='counterbucket_unit_period')],
                'constraints': [models.UniqueConstraint(fields=('grain', 'period', 'unit', 'procedure_version', 'channel'), name='counterbucket_key'), models.CheckConstraint(condition=models.Q(('grain__in', ['d', 'm', 'y'])), name='counterbucket_grain_known')],
            },
        ),
    ]
