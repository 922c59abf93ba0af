"""Methods: one sub-package per method, listed in `methods.registry`."""
