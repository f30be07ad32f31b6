"""Topic profiles shipped with winnow (package data: *.toml)."""
