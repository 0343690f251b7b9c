"""The policy: its records, finding and loading it, validating, caching, linting, its own tests."""
