import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('challenges', '0001_initial'),
        ('clarifications', '0001_questions'),
    ]

    operations = [
        migrations.CreateModel(
            name='Minutes',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('generated_at', models.DateTimeField(verbose_name='generated at')),
                ('questions_count', models.PositiveIntegerField(verbose_name='number of questions')),
                ('pdf', models.FileField(max_length=200, upload_to='actas/aclaraciones/', verbose_name='PDF')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the PDF')),
                ('html', models.TextField(verbose_name='HTML snapshot')),
                ('challenge', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='clarification_minutes', to='challenges.challenge', verbose_name='challenge')),
            ],
            options={
                'verbose_name': 'clarification minutes',
                'verbose_name_plural': 'clarification minutes',
                'constraints': [models.CheckConstraint(condition=django.db.models.lookups.Exact(django.db.models.functions.text.Length('sha256'), 64), name='minutes_sha256'), models.CheckConstraint(condition=models.Q(('html', ''), _negated=True), name='minutes_html_not_empty'), models.CheckConstraint(condition=models.Q(('pdf', ''), _negated=True), name='minutes_pdf_not_empty')],
            },
        ),
    ]
