"""The demo county (海阳市) and its stories: `manage.py seed_demo`. Imported by nobody."""
