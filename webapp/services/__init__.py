"""Domain operations: every write happens here, once, for both front doors.

Services flush but never commit: the front door that called them (an HTML
view, or one mutation of a sync push) owns the transaction, so a write and
its bookkeeping commit together or not at all.
"""
