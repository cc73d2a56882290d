"""The API routes and the channels' webhooks, one router per module (the web host layer)."""
