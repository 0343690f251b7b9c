"""`schema` findings: the classifier, its vocabulary of ops, and one module per migration framework."""
