# Banner copy, English. Banners are posted for the partner's clients: they sell the
# product and the client's offer, never the partner's reward. These lines hold for
# every market (the brand images use them); locales/en/markets/<market>.ftl words
# the offer line for one market's partners, its figures from that market's playbook.

banner-growth-headline = Send the invoice. Get paid sooner.
banner-growth-line = Invoices in two minutes, and reminders that chase late payments for you.
banner-trust-headline = The books your business will thank you for.
banner-trust-line = Invoicing and bookkeeping in one calm place, with people who answer.
banner-harbor-headline = Calm books for small business.
banner-harbor-line = Invoices, payment reminders and reports in one place.
