"""`dependency` findings: the classifier, its comparisons, version arithmetic, one module per ecosystem."""
