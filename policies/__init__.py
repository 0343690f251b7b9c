"""Built-in policy templates (YAML files next to this module)."""
