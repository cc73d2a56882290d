"""Anju's citizen side: the dialog engine, its flows, NLU and the channel adapters."""
