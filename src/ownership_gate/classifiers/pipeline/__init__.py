"""`pipeline` findings: the classifier, the workflow reader, and the comparison of old and new."""
