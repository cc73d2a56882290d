"""What a change tells whom: application steps, objections, publicity notices, deadline and duty reminders.

Each writes outbox rows (``api.delivery.outbox.queue``) in the session of the change that caused it; the delivery
worker sends them after the commit.
"""
