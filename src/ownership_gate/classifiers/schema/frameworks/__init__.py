"""Migration frameworks: one module each (which files), with its readers (`<framework>_*`)."""
