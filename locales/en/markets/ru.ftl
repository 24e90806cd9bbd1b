# Messages for partners of the Russian-speaking market, in English: a Russian-market
# partner's English readers get that market's terms, in English. Each id here
# overrides the one in locales/en/*.ftl; the figures come from
# content/playbooks/ru.yaml.

offer-hero-title = { offer-days } to get to know { $brand }, and we move your data for you
offer-hero-lead = No rush: try it on your real work, with a personal specialist who answers the same day. { $partner } trusts { $brand } with its own books and recommends it to you.
offer-closing-title = Take your time: { offer-days } are yours

# Banners of Russian-market partners.
banner-growth-line = { offer-days } to try it at your own pace, and your data moved for you.
banner-trust-line = A specialist moves your records for you, and you have { offer-days } to decide.
banner-harbor-line = { offer-days } to get to know it, with free data migration.
