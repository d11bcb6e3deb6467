"""Adapters onto the citizen use cases: 12345 hand-off, WeChat, Open311, exchange between levels."""
