# Banner copy for US partners: the reward, the speed, the tracking. Written for the
# US market, not translated from the Russian banners.

banner-growth-headline = Refer a business. Get paid in 14 days.
banner-growth-line = A fixed reward for every client you send, with every click tracked live.
banner-trust-headline = The books your clients will thank you for.
banner-trust-line = $150 for every business that signs up. Your dashboard shows it the same day.
banner-harbor-headline = Calm books for small business. Fast payouts for you.
banner-harbor-line = Recommend Polar Ledger and watch your rewards arrive.
