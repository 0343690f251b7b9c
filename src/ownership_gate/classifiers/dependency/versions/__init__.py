"""Version and range arithmetic, per versioning scheme."""
