"""Anju's records side: the domain, the database and the committee API."""
