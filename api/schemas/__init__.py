"""Pydantic request and response models of the committee API, kept apart from the ORM models."""
