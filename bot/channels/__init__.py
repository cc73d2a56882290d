"""Channel adapters: each turns its medium's input into an ``Inbound`` and renders ``Reply`` objects back.

No policy or dialog logic lives here (DESIGN.md: channels only translate).
"""
