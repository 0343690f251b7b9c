"""Judging a change set against a policy: rules and findings to the strictest level."""
