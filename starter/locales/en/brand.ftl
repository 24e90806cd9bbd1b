# Your brand in the theme's words. Rewrite both messages, in every language.

# One sentence on what your brand does.
brand-tagline = Tools that help small businesses grow.

# The home page's first paragraph, under its title: who recommends your brand, and why.
home-lead = Partners recommend { $brand } to the businesses they work with. Every referral is tracked to the partner’s own link, and every reward is paid on a schedule known in advance.
