"""Sign-off evidence: labels, trailers, signatures, reviews and approvals, and what a sign-off saw."""
