# Indexes for the workspace inbox's sorts and its "recently solved" view (schema only).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0003_ticket_sla'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['-created_at', '-id'], name='ticket_created'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['priority', '-updated_at', '-id'], name='ticket_priority_upd'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('solved_at__isnull', False)), fields=['solved_at'], name='ticket_solved'),
        ),
    ]
