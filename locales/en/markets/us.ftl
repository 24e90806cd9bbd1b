# Messages for partners of the US market, in English: the market decides the
# terms, the language only the words. Each id here overrides the one in
# locales/en/*.ftl on this market's microsites, banners and kits. The figures are
# the arguments from content/playbooks/us.yaml, never typed here.

offer-hero-title = { offer-days } free, then { $offer_discount }% off
offer-hero-lead = Send an invoice in two minutes, let reminders chase late payments and close your month in about an hour. { $partner } uses { $brand } and recommends it to you.
offer-closing-title = Your { offer-days } start today

# Banners of US partners.
banner-growth-line = { offer-days } free, then { $offer_discount }% off. Send your first invoice today.
banner-trust-line = Try it free for { offer-days }, then get { $offer_discount }% off { $offer_months ->
        [one] your first month
       *[other] your first { $offer_months } months
    }.
banner-harbor-line = { offer-days } free to see whether it fits your business.
