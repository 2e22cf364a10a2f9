"""Domain operations: every write happens here, once, for both front doors."""
