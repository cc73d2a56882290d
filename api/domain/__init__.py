"""Pure domain rules: identity numbers, phones, names, working days and the error hierarchy."""
