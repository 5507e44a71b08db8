"""Measuring factions against gold data nobody on the project wrote (read from ../shared/eval)."""
