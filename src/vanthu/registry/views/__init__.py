"""Web pages of the registry (mounted at /van-ban/); docs/registry.md "Giao diện"."""
