"""The SMS channel: gateway callbacks in (generic HMAC JSON, Twilio form), replies out through one sender."""
