"""Input schemas of newer features (design.md §9.2); the older ones are in api/schemas.py."""
