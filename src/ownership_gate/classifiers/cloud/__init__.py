"""`cloud` findings: the classifier, and one reader each for Terraform and CloudFormation."""
