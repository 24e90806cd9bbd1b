# The brand line of the demo: what Polar Ledger is, in one sentence.

brand-tagline = Bookkeeping and invoicing for small businesses.
