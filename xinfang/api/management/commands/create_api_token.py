from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xinfang.api.services import create_token
from xinfang.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Print a new API token for a staff user (stored hashed; it expires after --days, "
        "XINFANG_API_TOKEN_DAYS by default; revoke it in the admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="")
        parser.add_argument("--days", type=int, default=None, help="lifetime in days (1-366)")

    def handle(self, *args, username, name, days=None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user named %(username)s") % {"username": username})
        try:
            token = create_token(user=user, name=name, days=days)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(token)
