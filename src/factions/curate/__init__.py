"""Analysts correct the machine: judgements recorded (judge.py), a review queue (review.py)
and what changed since a date (changes.py). The judgements are read back by store/judgements.py,
which every query and export goes through."""
