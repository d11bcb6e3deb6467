"""Password rules beyond Django's own: its length message in the user's language."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2's message for a short password has no Chinese translation yet."""

    def get_error_message(self):
        return gettext("This password is too short. It must have at least %(n)d characters.") % {
            "n": self.min_length
        }
