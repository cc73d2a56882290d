"""Telling farmers, residents and committees what changed: step texts, outbox rows, the delivery worker."""
