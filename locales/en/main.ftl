# Interface strings for the harbor theme, English.
#
# locales/ru/main.ftl has exactly the same message ids.
# Variables passed by the templates:
#   $brand    site title (brand name)        $partner  partner display name
#   $title    page or story title            $count    number of items
# Every message also gets the terms of the page's market from its playbook, as far
# as the page's audience may see them (README, "Market-scoped messages"):
#   $market          market id (us, ru): select on it for wording by market
#   $offer_days      the client's free days    $offer_discount  discount, in percent
#   $offer_months    months of the discount    $offer_migration yes | no
#   $offer           the offer in one line, from the playbook's summary
#   $reward          the partner's reward, formatted ("$150"): kit and results pages, brand pages
#   $reward_amount   the same as a number       $payout_days     days to payout
# locales/en/markets/<market>.ftl overrides messages for one market's partners.
# Spaces between a number and its noun are no-break spaces (U+00A0).
# Numbers print with CLDR digit grouping ({ $count } gives 1,250); dates come from
# the templates' `date` filter, amounts from `money` (see README, "Typography and
# formatting"). Straight quotes and spaced hyphens are typeset on output.

## Languages: each language is named in its own language

lang-name-en = English
lang-name-ru = Русский

## Page chrome

# <title> of an ordinary page.
page-title = { $title } — { $brand }
skip-to-content = Skip to content
nav-label = Main
lang-switch-label = Language
# Shown next to the brand on every partner page.
header-partner = Recommended by { $partner }
footer-disclosure = This page contains referral links. If you sign up through them, { $partner } may receive a reward from { $brand }.

## Counts

stories-count = { $count ->
        [one] { $count } story
       *[other] { $count } stories
    }
payout-days = { $payout_days ->
        [one] { $payout_days } day
       *[other] { $payout_days } days
    }
offer-days = { $offer_days ->
        [one] { $offer_days } day
       *[other] { $offer_days } days
    }

## Entry page (language choice)

entry-choose = Choose your language

## Brand home

home-eyebrow = { $brand } partner program
home-title = Recommend { $brand }. Get paid for every business that stays.
cta-program = See how the program works
home-stories-link = Read partner stories
steps-title = How it works
step-share-title = Share your link
step-share-text = Every partner gets a personal link and ready-made materials for email, social networks and messengers.
step-signup-title = Businesses sign up
step-signup-text = Every business that signs up through your link is credited to you automatically.
step-reward-title = You get paid
step-reward-text = Once the business becomes a paying customer, your reward is on its way, on a schedule you know in advance.
home-more-title = Learn more about the program

## Stories

stories-title = Partner stories
# On a partner's microsite: stories of businesses like its clients'.
client-stories-title = How businesses like yours did it
stories-empty = New stories are on the way.
story-read-more = Read the story →
story-back = ← All stories
banner-alt = Cover image: { $title }
story-shared-by = Shared with you by { $partner }
story-cta-brand-title = Want results like these?
story-cta-brand-text = Join the { $brand } partner program: a personal link, ready-made materials and a reward for every business you refer.
story-cta-offer-text = { $partner } recommends { $brand } to the businesses they work with. Through this page: { $offer }
story-cta-client-text = { $partner } recommends { $brand } to the businesses they work with.

## Partner landing

# <title> of a partner landing.
partner-page-title = { $brand } × { $partner }
partner-eyebrow = Your offer from { $partner }
cta-client = Start your free trial

# The microsite is read by the partner's clients: it sells their offer, never
# the partner's reward. locales/en/markets/<market>.ftl words it per market.
offer-hero-title = Try { $brand } free for { offer-days }
offer-hero-lead = Invoices, payment reminders and bookkeeping in one place. { $partner } uses it and recommends it: sign up through this page and the offer below is yours.
client-hero-title = { $partner } recommends { $brand }
offer-fact-days = { $offer_days }
offer-fact-days-text = { $offer_days ->
        [one] day
       *[other] days
    } free to try it on your own work, no card required
offer-fact-discount = { $offer_discount }% off
offer-fact-discount-text = { $offer_months ->
        [one] your first month after the free days
       *[other] your first { $offer_months } months after the free days
    }
offer-fact-migration = Free data migration
offer-fact-migration-text = A specialist moves your clients, invoices and records over for you.
offer-fact-code-title = Already in the link
offer-fact-code = The offer of { $partner } is attached to this page: nothing to type.
offer-closing-title = Ready when you are
offer-closing-text = { $offer }
client-closing-text = Sign up through this page: { $partner } recommended you.

# Who this partner is.
partner-about-title = Who recommends us
partner-about-text = { $partner } works with { $brand } and shares the stories of businesses that made the switch.

# The market's ambassador (on the kit page).
contact-title = Questions?
contact-text = The { $brand } ambassador for your region will answer personally.
contact-email = Email
contact-telegram = Telegram

## Pitch kits: the private kit page and the files inside every kit.

kit-page-title = Your { $brand } kit — { $partner }
kit-eyebrow = { $brand } partner kit
kit-title = Partner kit for { $partner }
kit-lead = Everything you need to recommend us: ready-to-paste copy for each of your channels, share-ready stories, banners in the sizes platforms expect and your QR code. Every link in this kit is yours, so each referral is credited to you.
kit-downloads-title = Download the kit
kit-file = File
kit-language = Language
kit-size = Size
kit-links-title = Your tracked links
kit-links-text = Use the link made for each channel: that is how we see which channels bring your referrals. Please don’t edit the links; where one is too long, use its short link above.
kit-channel = Channel
kit-asset = Asset
kit-link = Link
kit-copy = Copy
kit-short-title = Short links
kit-short-text = Easy to say in a video, print on a flyer or fit into a post. Each one leads to your full tracked link, so every referral still counts for you and its channel.
kit-full-title = Full tracked links
kit-microsite = Your personal page:
kit-pitch-title = Ready-to-paste copy
kit-subject = Subject:
kit-stories-title = Stories to share
kit-images-title = Banners and QR code
kit-qr-alt = QR code with the referral link of { $partner }
kit-with-qr = with your QR code
kit-contents-title = What’s inside
kit-contents-readme = this guide
kit-contents-pitch = copy for each of your channels, with your link already in place (plain text to paste; HTML for e-mail)
kit-contents-stories = partner stories as text and HTML, with your link
kit-contents-images = banners in standard sizes, the same banners with your QR code, and the QR code as PNG and SVG
kit-contents-links = every link in this kit, by channel
kit-contents-draft = a ready draft of the e-mail, with its subject, HTML and plain text. Open it in Outlook, Apple Mail or Thunderbird, add the recipient and send
kit-draft = Download the draft (.eml)
kit-draft-hint = Outlook opens it as a new message with the subject and text in place: add the recipient and send. In Apple Mail choose Message › Send Again, in Thunderbird Message › Edit as New Message. The same file is in the zip: pitch/email.eml.
# A short link's page: shown for a moment while it forwards to the full link.
short-link-title = { $brand } × { $partner }
short-link-continue = Continue to { $brand }
kit-story-cta = Try it through my link
kit-share-title = Share this copy
kit-share-text = The share buttons under each copy open the service with the text and your link for that service already in place, so we see which channel brought each referral.
kit-share-link-only = { $count ->
        [one] { $services } takes only the link: paste the copy there yourself.
       *[other] { $services } take only the link: paste the copy there yourself.
    }
kit-share-label = { $service }: share the { $copy } copy
kit-share-and = and
channel-email = E-mail
channel-telegram = Telegram
channel-linkedin = LinkedIn
channel-x = X
channel-vk = VK
channel-whatsapp = WhatsApp
channel-kit = Stories
channel-link = Your own link
channel-qr = QR code

## Not-found page (404.html): one page in every language, each part in its own.

not-found-eyebrow = Error 404
not-found-title = Page not found
not-found-text = The page may have moved, or the address has a typo. Check the link, or start from the home page: every partner story is there, under “{ stories-title }”.
not-found-home = Go to the { $brand } home page

## Playbook: what the partner earns, when and how it is paid (the kit page).

playbook-title = Your terms
playbook-reward = { $reward } for every business that becomes a paying customer
playbook-payout = How payout works: a business signs up through your link and becomes a paying customer; your reward is paid within { payout-days } of that.
playbook-offer-title = What your clients get
playbook-offer = { $offer } Lead with this: your clients see the offer, never your reward.
playbook-dashboard = Every click, sign-up and payout shows up on a live dashboard.
playbook-exclusive = Exclusive partner status, by invitation only.
playbook-co-marketing = Co-marketing: webinars and publications together with you.
playbook-bonus = +{ $percent }% on every reward after { $months ->
        [one] { $months } month
       *[other] { $months } months
    } of partnership
playbook-bonuses-title = A bonus that grows with tenure
contact-ambassador-of = { $organisation }, { $brand } ambassador

## Cadence in kits: cadence.txt and cadence.ics (formatted by refkit itself).

cadence-title = { $brand }: outreach plan for { $partner }
cadence-start = Start: { $date }
cadence-no-start = No start date is set yet: count the days from the day you begin.
cadence-day = Day { $day }
cadence-copy = Copy to use:
cadence-link = Your link:
kit-cadence-title = Your outreach plan
kit-cadence-text = A touch on each channel, on the day it works best. The plan is also in the kit as a checklist (cadence.txt) and a calendar to import (cadence.ics).

## Preview only: shown by refkit serve on stale translations.

preview-stale = Preview: this translation was made from an older version of the source text. Update it, then run “refkit translations --mark”.

## Banners and share cards (the theme's _banner-parts.svg and share.svg)

banner-recommended-by = Recommended by
banner-join = Bookkeeping that keeps up with you
share-site-title = The { $brand } partner network
share-kit-title = Your partner kit
share-kit-line = Copy, banners and links with your name on them, ready to post.

## A partner's results page (below the kit page)

results-page-title = Your results with { $brand } — { $partner }
results-eyebrow = { $brand } partner results
results-title = Results for { $partner }
results-data-end = Figures up to { $date }, from the events the program's tracking reported.
results-no-data = No events have been reported for your links yet.
results-back-to-kit = Back to your kit
results-numbers-title = Your links in numbers
results-clicks = { $count ->
        [one] { $count } click
       *[other] { $count } clicks
    }
results-clicks-text = on your tracked and short links
results-signups = { $count ->
        [one] { $count } sign-up
       *[other] { $count } sign-ups
    }
results-signups-text = accounts opened after a click
results-customers = { $count ->
        [one] { $count } paying customer
       *[other] { $count } paying customers
    }
results-customers-text = credited to you
results-rate = { $rate } of clicks became paying customers
results-percent = { $value }%
results-earned = earned so far, bonuses included
results-next-payout = next payout, on { $date }, for { $count ->
        [one] { $count } customer
       *[other] { $count } customers
    }
results-no-payout-title = No payout due yet
results-no-payout = Rewards fall due after a customer's first payment and the payout period.
results-relationship-title = You and { $brand }
results-months = { $count ->
        [one] { $count } month together
       *[other] { $count } months together
    }
results-months-text = since your partnership with { $brand } began
results-bonus-reached = { $percent }% long-term bonus
results-bonus-none = No long-term bonus yet
results-bonus-next = { $percent }% from the next step, in { $count ->
        [one] { $count } month
       *[other] { $count } months
    }
results-bonus-top = You have reached the top bonus step.
results-staying = { $count ->
        [one] { $count } customer stayed
       *[other] { $count } customers stayed
    }
results-staying-text = still paying { $brand } this month
results-exclusive-title = Exclusive partner
results-exclusive-text = You hold exclusive partner status with { $brand }.
kit-results-link = Your results
## The agency's report (manifest/results/report.html)
report-title = Referral program results
report-data-end = The data ends on { $date }.
report-no-data = No events have been read yet.
report-market = Market { $market } ({ $currency })
report-clicks = Clicks
report-signups = Sign-ups
report-customers = Customers
report-click-to-customer = Click to customer
report-of-previous = { $rate } of the step before
report-decide = Time to decide (median)
report-decide-quartiles = quartiles { $q1 }–{ $q3 } days, { $count ->
    [one] { $count } customer
   *[other] { $count } customers
}
report-decide-median = Median time to decide
report-decide-measured = { $count ->
    [one] { $count } customer measured, first click to first payment
   *[other] { $count } customers measured, first click to first payment
}
report-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
report-revenue = Revenue
report-lifetime-value = Revenue per customer to date
report-rewards = Rewards
report-revenue-per-referred = Revenue per referred customer
report-roi = ROI
report-chart-funnel = Funnel: clicks, sign-ups, customers
report-chart-channels = Customers by channel
report-chart-decide = Time to decide, in days
report-chart-pilot = Pilot partners and the rest: click to customer
report-median = median
report-q1 = Q1
report-q3 = Q3
report-by-channel = By channel
report-by-asset = By asset
report-by-partner = By partner
report-by-stage = By stage
report-by-tier = By tier
report-by-pilot = Pilot and the rest
report-by-month = By month
report-dimension-market = Market
report-dimension-channel = Channel
report-dimension-asset = Asset
report-dimension-partner = Partner
report-dimension-stage = Stage
report-dimension-tier = Tier
report-dimension-pilot = Group
report-dimension-month = Month
report-pilot-pilot = Pilot
report-pilot-rest = Rest
report-none = (none)
report-payouts = Rewards: held, due and paid
report-no-payouts = No rewards are owed yet.
report-due = Due
report-customer = Customer
report-qualified = Qualified
report-bonus = Bonus
report-amount = Amount
report-unattributed = Not attributed
report-all-attributed = Every event was attributed to a partner.
report-cause = Cause
report-rows = Rows
report-events = Events
report-first-places = First places (file:line)
report-cause-code = Unknown referral code
report-cause-channel = Channel never issued to the partner
report-cause-asset = Asset never issued to the partner
report-cause-customer = No customer id
report-cause-window = Converted outside the attribution window
report-cause-conversion = Money without a conversion
report-cause-no_partner = No partner code (organic, paid or direct traffic)
report-reward-state = State
report-reward-held = Held (refund period)
report-reward-due = Due
report-reward-paid = Paid
report-reward-cancelled = Cancelled by a refund
report-payouts-details = Every reward is in rewards.csv; the totals per partner and month are in payouts.csv, and what is due, ready for a payment tool, in payout-batch-<currency>.csv.
report-pilot-verdict = Pilot verdict.
report-pilot-verdict-better = The pilot converts better than the rest: { $pilot } of clicks become customers (95% interval { $pilot-low }–{ $pilot-high }) against { $rest } ({ $rest-low }–{ $rest-high }), { $difference } points (from { $low } to { $high }; Wilson intervals, Newcombe's interval for the difference).
report-pilot-verdict-worse = The pilot converts worse than the rest: { $pilot } of clicks become customers (95% interval { $pilot-low }–{ $pilot-high }) against { $rest } ({ $rest-low }–{ $rest-high }), { $difference } points (from { $low } to { $high }; Wilson intervals, Newcombe's interval for the difference).
report-pilot-verdict-unclear = The pilot and the rest do not convert distinguishably yet: { $pilot } of clicks become customers (95% interval { $pilot-low }–{ $pilot-high }) against { $rest } ({ $rest-low }–{ $rest-high }), { $difference } points (from { $low } to { $high }; Wilson intervals, Newcombe's interval for the difference); about { $more } more { $more ->
        [one] customer
       *[other] customers
    } would tell.
report-pilot-decide-slower = Pilot customers take longer to decide (Mann–Whitney rank test, p = { $p }).
report-pilot-decide-faster = Pilot customers decide faster (Mann–Whitney rank test, p = { $p }).
report-pilot-decide-same = Time to decide does not differ distinguishably (Mann–Whitney rank test, p = { $p }).
report-pilot-decide-none = Time to decide cannot be compared yet: a group has no customer with both a click and a payment.
