# Messages for partners of the US market, in English: the market decides the
# terms, the language only the words. Each id here overrides the one in
# locales/en/*.ftl on this market's microsites, banners and kits. The figures are
# the arguments from content/playbooks/us.yaml, never typed here.

offer-hero-title = { offer-days } free, then { $offer_discount }% off
offer-hero-lead = Send an invoice in two minutes, let reminders chase late payments and close your month in about an hour. { $partner } uses { $brand } and recommends it to you.
offer-closing-title = Your { offer-days } start today
