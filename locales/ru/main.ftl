# Строки интерфейса темы harbor, русский язык.
#
# Идентификаторы сообщений те же, что в locales/en/main.ftl.
# Переменные, которые передают шаблоны:
#   $brand    название сайта (бренд)          $partner  имя партнёра
#   $title    заголовок страницы или истории  $count    количество
# Кроме того, каждое сообщение получает условия рынка страницы из его плейбука —
# столько, сколько может видеть читатель страницы (README, «Market-scoped messages»):
#   $market          рынок (us, ru): по нему можно выбрать формулировку
#   $offer_days      бесплатные дни клиента   $offer_discount  скидка в процентах
#   $offer_months    месяцы скидки            $offer_migration yes | no
#   $offer           предложение одной строкой (summary из плейбука)
#   $reward          вознаграждение партнёра («12 000 ₽»): страницы комплекта и результатов, страницы бренда
#   $reward_amount   то же числом             $payout_days     дней до выплаты
# locales/ru/markets/<market>.ftl переопределяет сообщения для партнёров одного рынка.
#
# Типографика: после однобуквенных предлогов и союзов, между числом и словом
# и перед тире стоят неразрывные пробелы (U+00A0). Они невидимы в редакторе,
# их нельзя заменять обычными пробелами.
# Числа выводятся с разделителями разрядов по CLDR ({ $count } даёт «1 250»), даты —
# фильтром `date` в шаблонах, суммы — фильтром `money` (см. README, «Typography and
# formatting»). Прямые кавычки и дефисы между пробелами типографируются при выводе.

## Языки: каждый язык назван на нём самом

lang-name-en = English
lang-name-ru = Русский

## Общие элементы страницы

# <title> обычной страницы.
page-title = { $title } — { $brand }
skip-to-content = Перейти к содержанию
nav-label = Основная навигация
lang-switch-label = Язык
# Рядом с брендом на каждой странице партнёра.
header-partner = По рекомендации: { $partner }
footer-disclosure = На этой странице — партнёрские ссылки. Если вы зарегистрируетесь по ним, { $partner } может получить вознаграждение от { $brand }.

## Количества

stories-count = { $count ->
        [one] { $count } история
        [few] { $count } истории
        [many] { $count } историй
       *[other] { $count } истории
    }
# Стоит после «через» и «за»: «через 21 день», «через 3 дня», «через 14 дней».
payout-days = { $payout_days ->
        [one] { $payout_days } день
        [few] { $payout_days } дня
        [many] { $payout_days } дней
       *[other] { $payout_days } дня
    }
offer-days = { $offer_days ->
        [one] { $offer_days } день
        [few] { $offer_days } дня
        [many] { $offer_days } дней
       *[other] { $offer_days } дня
    }

## Входная страница (выбор языка)

entry-choose = Выберите язык

## Главная страница бренда

home-eyebrow = Партнёрская программа { $brand }
home-title = Рекомендуйте { $brand } и растите вместе с нами
cta-program = Узнать о программе
home-stories-link = Читать истории партнёров
steps-title = Как это работает
step-share-title = Делитесь ссылкой
step-share-text = Каждый партнёр получает персональную ссылку и готовые материалы для рассылок, соцсетей и мессенджеров.
step-signup-title = Клиенты регистрируются
step-signup-text = Каждый, кто зарегистрировался по вашей ссылке, автоматически закрепляется за вами.
step-reward-title = Вы получаете вознаграждение
step-reward-text = Как только клиент переходит на платный тариф, мы начисляем вознаграждение и выплачиваем его в оговорённый срок.
home-more-title = Подробнее о программе

## Истории

stories-title = Истории партнёров
# На микросайте партнёра: истории компаний, похожих на его клиентов.
client-stories-title = Как это получилось у других
stories-empty = Новые истории скоро появятся.
story-read-more = Читать историю →
story-back = ← Все истории
banner-alt = Обложка: { $title }
story-shared-by = Историю прислал наш партнёр: { $partner }
story-cta-brand-title = Хотите таких же результатов?
story-cta-brand-text = Станьте партнёром { $brand }: персональная ссылка, готовые материалы и вознаграждение за каждого клиента, которого вы приведёте.
story-cta-offer-text = { $partner } рекомендует { $brand } компаниям, с которыми работает. По этой странице: { $offer }
story-cta-client-text = { $partner } рекомендует { $brand } компаниям, с которыми работает.

## Лендинг партнёра

# <title> лендинга партнёра.
partner-page-title = { $brand } × { $partner }
partner-eyebrow = { $partner } рекомендует
cta-client = Попробовать бесплатно

# Микросайт читают клиенты партнёра: он предлагает им их условия и никогда не
# называет вознаграждение партнёра. locales/ru/markets/<market>.ftl — формулировки рынка.
offer-hero-title = { offer-days } { $brand } бесплатно
offer-hero-lead = Счета, напоминания об оплате и учёт в одном сервисе. { $partner } пользуется им сам и рекомендует вам: зарегистрируйтесь по этой странице, и предложение ниже — ваше.
client-hero-title = { $partner } рекомендует { $brand }
offer-fact-days = { $offer_days }
offer-fact-days-text = { $offer_days ->
        [one] день
        [few] дня
        [many] дней
       *[other] дня
    } бесплатно, чтобы спокойно попробовать сервис на своих задачах
offer-fact-discount = −{ $offer_discount } %
offer-fact-discount-text = { $offer_months ->
        [one] скидка на первый месяц после бесплатного периода
        [few] скидка на первые { $offer_months } месяца после бесплатного периода
        [many] скидка на первые { $offer_months } месяцев после бесплатного периода
       *[other] скидка на первые { $offer_months } месяца после бесплатного периода
    }
offer-fact-migration = Бесплатный переезд
offer-fact-migration-text = Специалист сам перенесёт клиентов, счета и справочники из таблиц или прежней программы.
offer-fact-code-title = Уже в ссылке
offer-fact-code = Предложение, которое рекомендует { $partner }, уже закреплено за этой страницей: ничего вводить не нужно.
offer-closing-title = Начните, когда будете готовы
offer-closing-text = { $offer }
client-closing-text = Зарегистрируйтесь по этой странице — вас рекомендовал { $partner }.

# Кто этот партнёр.
partner-about-title = Кто нас рекомендует
partner-about-text = { $partner } работает с { $brand } и делится историями компаний, которые перешли на сервис.

# Амбассадор рынка (на странице комплекта).
contact-title = Остались вопросы?
contact-text = Амбассадор { $brand } в вашем регионе ответит лично.
contact-email = Почта
contact-telegram = Telegram

## Партнёрские комплекты: закрытая страница комплекта и файлы внутри.

kit-page-title = Ваш комплект { $brand } — { $partner }
kit-eyebrow = Партнёрский комплект { $brand }
kit-title = Комплект партнёра: { $partner }
kit-lead = Всё, чтобы рекомендовать нас: готовые тексты для каждого вашего канала, истории партнёров, баннеры нужных размеров для каждой площадки и ваш QR-код. Все ссылки в комплекте — ваши, поэтому каждый приведённый клиент засчитывается вам.
kit-downloads-title = Скачать комплект
kit-file = Файл
kit-language = Язык
kit-size = Размер
kit-links-title = Ваши отслеживаемые ссылки
kit-links-text = Для каждого канала используйте свою ссылку — так мы видим, какие каналы приводят ваших клиентов. Пожалуйста, не меняйте ссылки; если ссылка слишком длинная, возьмите её короткий вариант выше.
kit-channel = Канал
kit-asset = Материал
kit-link = Ссылка
kit-copy = Копировать
kit-short-title = Короткие ссылки
kit-short-text = Их легко продиктовать в видео, напечатать на листовке или уместить в пост. Каждая ведёт на вашу полную ссылку, так что клиент по-прежнему засчитывается вам, а мы видим, из какого канала он пришёл.
kit-full-title = Полные ссылки с метками
kit-microsite = Ваша персональная страница:
kit-pitch-title = Готовые тексты
kit-subject = Тема:
kit-stories-title = Истории для публикации
kit-images-title = Баннеры и QR-код
kit-qr-alt = QR-код с вашей партнёрской ссылкой
kit-with-qr = с вашим QR-кодом
kit-contents-title = Что внутри
kit-contents-readme = это руководство
kit-contents-pitch = тексты для каждого вашего канала, ссылка уже на месте (простой текст для вставки, HTML для рассылки)
kit-contents-stories = истории партнёров в виде текста и HTML с вашей ссылкой
kit-contents-images = баннеры стандартных размеров, те же баннеры с вашим QR-кодом и сам QR-код в PNG и SVG
kit-contents-links = все ссылки комплекта по каналам
kit-contents-draft = готовый черновик письма с темой, HTML и простым текстом. Откройте его в Outlook, Apple Mail или Thunderbird, добавьте получателя и отправьте
kit-draft = Скачать черновик (.eml)
kit-draft-hint = Outlook откроет его как новое письмо с темой и текстом — останется добавить получателя и отправить. Apple Mail и Thunderbird откроют его как полученное письмо, которое можно отправить повторно. Тот же файл есть в архиве: pitch/email.eml.
# Страница короткой ссылки: видна мгновение, пока браузер переходит по полной ссылке.
short-link-title = { $brand } × { $partner }
short-link-continue = Перейти на сайт { $brand }
kit-story-cta = Попробовать по моей ссылке
kit-share-title = Поделиться текстом
kit-share-text = Кнопки под каждым текстом открывают сервис, где уже вставлены текст и ваша ссылка для этого сервиса: так мы увидим, через какой канал пришёл клиент.
kit-share-link-only = { $count ->
        [one] { $services } принимает только ссылку: текст вставьте туда сами.
        [few] { $services } принимают только ссылку: текст вставьте туда сами.
        [many] { $services } принимают только ссылку: текст вставьте туда сами.
       *[other] { $services } принимают только ссылку: текст вставьте туда сами.
    }
kit-share-label = { $service }: поделиться текстом «{ $copy }»
kit-share-and = и
channel-email = Электронная почта
channel-telegram = Telegram
channel-linkedin = LinkedIn
channel-x = X
channel-vk = ВКонтакте
channel-whatsapp = WhatsApp
channel-kit = Истории
channel-link = Ваша ссылка
channel-qr = QR-код

## Страница 404 (404.html): одна на все языки, каждая часть — на своём языке.

not-found-eyebrow = Ошибка 404
not-found-title = Страница не найдена
not-found-text = Возможно, страницу перенесли или в адресе опечатка. Проверьте ссылку или начните с главной: все истории партнёров собраны там в разделе «{ stories-title }».
not-found-home = На главную страницу { $brand }

## Плейбук: сколько зарабатывает партнёр, когда и как проходит выплата (страница партнёра).

playbook-title = Ваши условия
playbook-reward = { $reward } за каждую компанию, которая стала платящим клиентом
playbook-payout = Как проходит выплата: компания регистрируется по вашей ссылке и становится платящим клиентом, а через { payout-days } после этого вы получаете вознаграждение.
playbook-dashboard = Каждый переход, регистрация и выплата видны в личном кабинете в реальном времени.
playbook-exclusive = Эксклюзивный статус партнёра — только по приглашению.
playbook-co-marketing = Совместный маркетинг: вебинары и публикации вместе с вами.
playbook-offer-title = Что получают ваши клиенты
playbook-offer = { $offer } Начинайте с этого: клиенты видят своё предложение и никогда — ваше вознаграждение.
playbook-bonus = +{ $percent } % к каждому вознаграждению после { $months ->
        [one] { $months } месяца
        [few] { $months } месяцев
        [many] { $months } месяцев
       *[other] { $months } месяца
    } сотрудничества
playbook-bonuses-title = Бонус растёт вместе со стажем
contact-ambassador-of = { $organisation }, амбассадор { $brand }

## План касаний в комплекте: cadence.txt и cadence.ics (их формирует сам refkit).

cadence-title = { $brand }: план касаний — { $partner }
cadence-start = Начало: { $date }
cadence-no-start = Дата начала пока не задана: отсчитывайте дни от того дня, когда начнёте.
cadence-day = День { $day }
cadence-copy = Какой текст взять:
cadence-link = Ваша ссылка:
kit-cadence-title = Ваш план касаний
kit-cadence-text = По одному касанию в каждом канале — в тот день, когда оно сработает лучше всего. План есть и в комплекте: список дел (cadence.txt) и календарь для импорта (cadence.ics).

## Preview only: shown by refkit serve on stale translations.

preview-stale = Предпросмотр: этот перевод сделан по старой версии исходного текста. Обновите его и выполните «refkit translations --mark».

## Баннеры и карточки для ссылок (_banner-parts.svg и share.svg темы)

banner-recommended-by = Рекомендует
banner-join = Учёт, который успевает за вами
share-site-title = Партнёрская сеть { $brand }
share-kit-title = Ваш комплект партнёра
share-kit-line = Тексты, баннеры и ссылки с вашим именем — готовы к публикации.

## Страница результатов партнёра (под страницей комплекта)

results-page-title = Ваши результаты с { $brand } — { $partner }
results-eyebrow = Результаты партнёра { $brand }
results-title = Результаты: { $partner }
results-data-end = Данные по { $date } включительно, по событиям, которые передала система учёта программы.
results-no-data = По вашим ссылкам пока нет ни одного события.
results-back-to-kit = Вернуться к комплекту
results-numbers-title = Ваши ссылки в цифрах
results-clicks = { $count ->
        [one] { $count } переход
        [few] { $count } перехода
        [many] { $count } переходов
       *[other] { $count } перехода
    }
results-clicks-text = по вашим полным и коротким ссылкам
results-signups = { $count ->
        [one] { $count } регистрация
        [few] { $count } регистрации
        [many] { $count } регистраций
       *[other] { $count } регистрации
    }
results-signups-text = после перехода по ссылке
results-customers = { $count ->
        [one] { $count } платящий клиент
        [few] { $count } платящих клиента
        [many] { $count } платящих клиентов
       *[other] { $count } платящего клиента
    }
results-customers-text = засчитаны вам
results-rate = { $rate } переходов закончились оплатой
results-percent = { $value } %
results-earned = заработано на сегодня, с учётом бонусов
results-next-payout = следующая выплата — { $date }, за { $count ->
        [one] { $count } клиента
        [few] { $count } клиентов
        [many] { $count } клиентов
       *[other] { $count } клиента
    }
results-no-payout-title = Выплат к сроку пока нет
results-no-payout = Вознаграждение начисляется после первой оплаты клиента и выплачивается в срок по условиям программы.
results-relationship-title = Вы и { $brand }
results-months = { $count ->
        [one] { $count } месяц вместе
        [few] { $count } месяца вместе
        [many] { $count } месяцев вместе
       *[other] { $count } месяца вместе
    }
results-months-text = с начала партнёрства с { $brand }
results-bonus-reached = Бонус за долгосрочное партнёрство: { $percent } %
results-bonus-none = Бонус за долгосрочное партнёрство ещё впереди
results-bonus-next = { $percent } % со следующей ступени — через { $count ->
        [one] { $count } месяц
        [few] { $count } месяца
        [many] { $count } месяцев
       *[other] { $count } месяца
    }
results-bonus-top = Вы на высшей ступени бонуса.
results-staying = { $count ->
        [one] { $count } клиент остаётся с нами
        [few] { $count } клиента остаются с нами
        [many] { $count } клиентов остаются с нами
       *[other] { $count } клиента остаются с нами
    }
results-staying-text = продолжают платить { $brand } в этом месяце
results-exclusive-title = Эксклюзивный партнёр
results-exclusive-text = У вас статус эксклюзивного партнёра { $brand }.
kit-results-link = Ваши результаты
## Отчёт для агентства (manifest/results/report.ru.html)
report-title = Итоги партнёрской программы
report-data-end = Данные по { $date } включительно.
report-no-data = Событий пока нет.
report-market = Рынок { $market } ({ $currency })
report-clicks = Переходы
report-signups = Регистрации
report-customers = Клиенты
report-click-to-customer = Из перехода в клиента
report-of-previous = { $rate } от предыдущего шага
report-decide = Время на решение (медиана)
report-decide-quartiles = квартили { $q1 }–{ $q3 } дн., { $count ->
    [one] { $count } клиент
    [few] { $count } клиента
    [many] { $count } клиентов
   *[other] { $count } клиента
}
report-decide-median = Медиана времени на решение
report-decide-measured = { $count ->
    [one] Измерен { $count } клиент: от первого перехода до первой оплаты
    [few] Измерено { $count } клиента: от первого перехода до первой оплаты
    [many] Измерено { $count } клиентов: от первого перехода до первой оплаты
   *[other] Измерено { $count } клиента: от первого перехода до первой оплаты
}
report-days = { $count ->
    [one] { $count } день
    [few] { $count } дня
    [many] { $count } дней
   *[other] { $count } дня
}
report-revenue = Выручка
report-lifetime-value = Выручка на клиента на сегодня
report-rewards = Вознаграждения
report-revenue-per-referred = Выручка на приведённого клиента
report-roi = Окупаемость (ROI)
report-chart-funnel = Воронка: переходы, регистрации, клиенты
report-chart-channels = Клиенты по каналам
report-chart-decide = Время на решение, в днях
report-chart-pilot = Пилотные партнёры и остальные: из перехода в клиента
report-median = медиана
report-q1 = Q1
report-q3 = Q3
report-by-channel = По каналам
report-by-asset = По материалам
report-by-partner = По партнёрам
report-by-stage = По этапам
report-by-tier = По уровням
report-by-pilot = «Пилот» и остальные
report-by-month = По месяцам
report-dimension-market = Рынок
report-dimension-channel = Канал
report-dimension-asset = Материал
report-dimension-partner = Партнёр
report-dimension-stage = Этап
report-dimension-tier = Уровень
report-dimension-pilot = Группа
report-dimension-month = Месяц
report-pilot-pilot = Пилот
report-pilot-rest = Остальные
report-none = (нет)
report-payouts = Вознаграждения: удерживаются, к выплате, выплачено
report-no-payouts = Вознаграждений к выплате пока нет.
report-due = Срок
report-customer = Клиент
report-qualified = Засчитан
report-bonus = Бонус
report-amount = Сумма
report-unattributed = Не отнесено к партнёрам
report-all-attributed = Все события отнесены к партнёрам.
report-cause = Причина
report-rows = Строки
report-events = События
report-first-places = Первые места (файл:строка)
report-cause-code = Неизвестный реферальный код
report-cause-channel = Канал, не выданный партнёру
report-cause-asset = Материал, не выданный партнёру
report-cause-customer = Нет идентификатора клиента
report-cause-window = Покупка вне окна атрибуции
report-cause-conversion = Деньги без конверсии
report-cause-no_partner = Без кода партнёра (органический, платный или прямой трафик)
report-reward-state = Состояние
report-reward-held = Удерживается (срок возврата)
report-reward-due = К выплате
report-reward-paid = Выплачено
report-reward-cancelled = Отменено возвратом
report-payouts-details = Каждое вознаграждение — в rewards.csv; итоги по партнёрам и месяцам — в payouts.csv, а то, что пора выплатить, в формате для платёжного сервиса — в payout-batch-<валюта>.csv.
report-pilot-verdict = Итог пилота.
report-pilot-verdict-better = Пилот конвертирует лучше остальных: клиентами становятся { $pilot } переходов (95-процентный интервал { $pilot-low }–{ $pilot-high }) против { $rest } ({ $rest-low }–{ $rest-high }), разница { $difference } п.{" "}п. (от { $low } до { $high }; интервалы Уилсона, для разницы — интервал Ньюкомба).
report-pilot-verdict-worse = Пилот конвертирует хуже остальных: клиентами становятся { $pilot } переходов (95-процентный интервал { $pilot-low }–{ $pilot-high }) против { $rest } ({ $rest-low }–{ $rest-high }), разница { $difference } п.{" "}п. (от { $low } до { $high }; интервалы Уилсона, для разницы — интервал Ньюкомба).
report-pilot-verdict-unclear = Пилот и остальные пока конвертируют неразличимо: клиентами становятся { $pilot } переходов (95-процентный интервал { $pilot-low }–{ $pilot-high }) против { $rest } ({ $rest-low }–{ $rest-high }), разница { $difference } п.{" "}п. (от { $low } до { $high }; интервалы Уилсона, для разницы — интервал Ньюкомба); ответ дадут ещё примерно { $more } { $more ->
        [one] клиент
        [few] клиента
        [many] клиентов
       *[other] клиента
    }.
report-pilot-decide-slower = Клиенты пилота решаются дольше (ранговый критерий Манна — Уитни, p = { $p }).
report-pilot-decide-faster = Клиенты пилота решаются быстрее (ранговый критерий Манна — Уитни, p = { $p }).
report-pilot-decide-same = Заметной разницы во времени на решение нет (ранговый критерий Манна — Уитни, p = { $p }).
report-pilot-decide-none = Время на решение пока не сравнить: в одной из групп нет клиента и с переходом, и с оплатой.
