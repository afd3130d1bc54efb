"""Tokens issued before password stamps existed get their owner's current stamp, so they keep
working until the password changes (without this they would all be refused at once)."""

from django.db import migrations
from django.utils.crypto import salted_hmac

STAMP_SALT = "atiende.accounts.api-token-password"  # services.TOKEN_STAMP_SALT, frozen here


def stamp_existing(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.filter(password_stamp="").select_related("user").iterator():
        token.password_stamp = salted_hmac(STAMP_SALT, token.user.password, algorithm="sha256").hexdigest()
        token.save(update_fields=["password_stamp"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_api_token_name_and_password_stamp")]

    operations = [migrations.RunPython(stamp_existing, migrations.RunPython.noop)]
