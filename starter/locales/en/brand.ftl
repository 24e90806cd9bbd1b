# One sentence on what your brand does.

brand-tagline = Tools that help small businesses grow.
