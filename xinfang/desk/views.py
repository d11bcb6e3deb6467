from .work_views import inbox as home  # noqa: F401  the desk opens on the user's inbox
