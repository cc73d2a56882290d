"""The channel-free dialog engine: ``handle(state, inbound) -> (state, replies)``."""
