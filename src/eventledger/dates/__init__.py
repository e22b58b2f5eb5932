"""Dates: temporal expressions (TIMEX3-style) and article publication dates."""
