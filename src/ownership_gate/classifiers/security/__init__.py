"""`security` findings: the classifier, its catalogue of settings and names, and the scan of contents."""
