"""The one place git runs: the repository, its diffs and history, trailers and signatures."""
