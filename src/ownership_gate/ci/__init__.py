"""CI providers: where a run says its base and head are, and GitHub Actions' protocols."""
