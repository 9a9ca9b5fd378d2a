"""The sign-in log (every sign-in and refusal, with its reason) and single sign-on lockouts
counted per council account rather than per address. New tables only: nothing to carry."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_information_governance_role'),
    ]

    operations = [
        migrations.CreateModel(
            name='SingleSignOnLockout',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('identity', models.CharField(max_length=254, unique=True)),
                ('failures', models.PositiveIntegerField(default=0)),
                ('last_failure_at', models.DateTimeField()),
                ('locked_until', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'single sign-on lockout',
                'ordering': ['-last_failure_at'],
            },
        ),
        migrations.CreateModel(
            name='SignInEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True)),
                ('method', models.CharField(choices=[('password', 'Password'), ('code', 'One-time code'), ('sso', 'Council account (single sign-on)')], max_length=10)),
                ('outcome', models.CharField(choices=[('signed_in', 'Signed in'), ('refused', 'Refused')], max_length=10)),
                ('reason', models.CharField(blank=True, choices=[('', 'None'), ('wrong_password', 'Wrong password'), ('unknown_user', 'No account with this user name'), ('no_password', 'The account has no password'), ('locked_out', 'Locked out after failed passwords'), ('wrong_code', 'Wrong one-time code'), ('too_many_codes', 'Too many wrong codes: waiting'), ('no_account', 'No Assure account matches the council account'), ('ambiguous_account', 'More than one Assure account matches'), ('sso_locked', 'Single sign-on locked for this council account'), ('cancelled', 'Cancelled or refused at the provider'), ('stale_callback', 'A used, expired or foreign sign-in link'), ('provider_error', 'Provider error'), ('inactive_account', 'The Assure account is deactivated')], default='', max_length=20)),
                ('identity', models.CharField(blank=True, help_text='The user name typed, or the council account the provider named.', max_length=254)),
                ('address', models.GenericIPAddressField(blank=True, null=True)),
                ('reference', models.CharField(blank=True, db_index=True, max_length=12)),
                ('detail', models.JSONField(blank=True, default=dict)),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sign_in_events', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'sign-in event',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['identity', '-at'], name='sign_in_identity_idx')],
            },
        ),
    ]
