"""`cost` findings: the classifier, one reader per kind of file, and the comparison of values."""
