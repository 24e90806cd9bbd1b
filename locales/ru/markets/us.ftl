# Сообщения для партнёров американского рынка, по-русски: условия задаёт рынок,
# язык — только слова. Каждое сообщение здесь заменяет одноимённое из
# locales/ru/*.ftl; цифры приходят из content/playbooks/us.yaml.

offer-hero-title = { offer-days } бесплатно, затем скидка { $offer_discount } %
offer-hero-lead = Счёт за две минуты, напоминания о просроченной оплате без вашего участия, месяц закрыт примерно за час. { $partner } пользуется { $brand } и рекомендует его вам.
offer-closing-title = Ваши { offer-days } начинаются сегодня

# Баннеры партнёров из США.
banner-growth-line = { offer-days } бесплатно, затем скидка { $offer_discount } %. Выставьте первый счёт сегодня.
banner-trust-line = { offer-days } бесплатно, затем скидка { $offer_discount } % на { $offer_months ->
        [one] первый месяц
        [few] первые { $offer_months } месяца
        [many] первые { $offer_months } месяцев
       *[other] первые { $offer_months } месяца
    }.
banner-harbor-line = { offer-days } бесплатно, чтобы понять, подходит ли сервис вашему бизнесу.
