# The brand line of the demo: what Polar Ledger is, in one sentence.

brand-tagline = Bookkeeping and invoicing for small businesses.

# The home page's first paragraph, under its title: who recommends Polar Ledger, and why.
home-lead = Accountants, agencies, coworking spaces and creators refer small businesses to { $brand }. Every referral is tracked, and every reward is paid on a fixed schedule.
