"""Reporters: each turns a Verdict into text; none prints or decides. `reporters.py` picks one by format.

This package imports nothing itself, so a module that needs only path
quoting or the terminal (`quoting.py`, `terminal.py`) loads no reporter.
"""
