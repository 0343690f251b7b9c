"""File formats read with their real parsers, shared by every classifier that reads them."""
