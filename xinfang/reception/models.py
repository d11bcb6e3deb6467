"""Reception models."""
