"""Domain services: functions taking a Session; they flush but never commit."""
