# signaldesk bot, русский. Те же ключи, что в en.ftl (это проверяет тест).
# Тексты — HTML Telegram: код экранирует переменные до того, как они попадут сюда.

## Errors and refusals
error-something-went-wrong = Что-то пошло не так на нашей стороне. Попробуйте ещё раз через минуту.
error-stale-button = Эта кнопка больше не действует. Отправьте команду ещё раз, чтобы получить новые кнопки.
error-admins-only = Эта команда только для администраторов.
error-unknown-command = Я не знаю такой команды. Попробуйте /shop, /status, /devices, /signals или /help.
error-not-understood = Я вас не понял. Попробуйте /shop, /status, /devices, /signals или /help.
slow-down = Вы отправляете сообщения слишком быстро. Пожалуйста, помедленнее: я снова отвечу через несколько секунд.
refusal-entitlements-required = Ваш тариф этого не включает. Тарифы, в которые это входит, — в /shop.
refusal-orders-not-pending = Этот заказ больше не ожидает оплаты. См. /status.
refusal-orders-not-found = Такого заказа нет (или он не ваш).
refusal-signals-already-decided = Вы уже приняли решение по этому сигналу.
refusal-signals-expired = Срок этого сигнала истёк.
refusal-signals-not-found = Такого сигнала нет (или он не был вам отправлен).
refusal-devices-not-found = Такого устройства нет (или оно не ваше).
refusal-devices-limit-reached = У вас уже столько устройств, сколько позволяет тариф. Удалите одно или повысьте тариф в /shop.
refusal-devices-name-taken = У вас уже есть устройство с таким именем. Пришлите другое имя.
refusal-payments-provider-unavailable = Оплата картой сейчас недоступна.
refusal-affiliates-not-registered = Вы ещё не партнёр. Вступите через /affiliate.
refusal-affiliates-payout-held = Это первая выплата партнёра: одобрите её, прежде чем проводить.
refusal-affiliates-payout-not-held = Эта выплата не ждёт одобрения.

## /start and /help
menu-shop = 🛒 Тарифы
menu-status = 📋 Мой тариф
menu-signals = 📈 Сигналы
menu-devices = 🖥 Устройства
menu-affiliate = 🤝 Партнёрам
menu-help = ❓ Помощь
menu-open-app = 📱 Открыть приложение
start-trader = трейдер
start-welcome = Здравствуйте, { $name }! Здесь можно купить тариф с сигналами, подключить устройства MetaTrader и одобрять сигналы.
help-title = <b>Команды</b>
help-admin-title = <b>Администрирование</b>
cmd-start = главное меню
cmd-help = этот список

## /status
cmd-status = ваш тариф, возможности и сроки действия
status-plan = Ваш тариф: <b>{ $plan }</b>
status-signals-yes = • Сигналы: да
status-signals-no = • Сигналы: нет
status-devices = • Устройства: до { $count }
status-auto-yes = • Автоодобрение: доступно
status-auto-no = • Автоодобрение: не входит
status-periods = <b>Периоды</b>
status-until = до { $at }
status-renew = Продлить { $plan }
status-see-plans = Посмотреть тарифы
status-buy-plan = Купить тариф

## /shop and orders
cmd-shop = тарифы и цены; купить или продлить
shop-tier-line = • <b>{ $tier }</b> — { $price }/мес.: до { $devices } устройств(а)
shop-tier-line-auto = • <b>{ $tier }</b> — { $price }/мес.: до { $devices } устройств(а), автоодобрение
shop-tier-button = { $tier } — { $price }/мес.
shop-empty = Сейчас ничего не продаётся. Загляните позже.
shop-region = Цены для региона { $region } (сменить: /region).
shop-tier-gone = Этот тариф больше не продаётся. См. /shop.
shop-months = { $months ->
    [one] { $months } месяц
    [few] { $months } месяца
   *[other] { $months } месяцев
  } — { $price }
shop-months-saving = { $months ->
    [one] { $months } месяц
    [few] { $months } месяца
   *[other] { $months } месяцев
  } — { $price } (экономия { $saved } %)
shop-trial-button = 🎁 Попробовать бесплатно { $days } дн.
shop-how-long = <b>{ $tier }</b>: на какой срок?
shop-plan = Тариф
shop-pay-once = Оплатить один раз
shop-renew-auto = 🔁 Продлевать автоматически
shop-other-lengths = « Другие сроки
shop-renewal-choice = <b>{ $tier }</b>, { $months ->
    [one] { $months } месяц
    [few] { $months } месяца
   *[other] { $months } месяцев
  } — { $price }. Оплатить один раз или продлевать автоматически?
shop-once-only = <b>{ $tier }</b>, { $months ->
    [one] { $months } месяц
    [few] { $months } месяца
   *[other] { $months } месяцев
  } — { $price }. Telegram Stars продлевают только месячные тарифы, поэтому этот срок оплачивается один раз.
shop-renews-monthly = Автопродление списывает { $price } каждый месяц, пока вы не отключите его в /status.
shop-renews-card = Автопродление списывает { $price } каждые { $months } мес. с карты, пока вы не отключите его в /status (Telegram Stars продлевают только месячные тарифы).
order-cancelled-toast = Заказ отменён
order-cancelled = Этот заказ отменён. Начните заново в /shop.
quote-base = Цена тарифа
quote-regional-markup = Региональная цена
quote-affiliate-discount = Скидка по приглашению
quote-volume-discount = Скидка за несколько месяцев
quote-coupon = Купон
order-title = <b>Заказ { $id }</b>
order-plan = { $tier }, { $months ->
    [one] { $months } месяц
    [few] { $months } месяца
   *[other] { $months } месяцев
  }
order-total = <b>Итого: { $total }</b>
order-held-until = Эта цена сохраняется до { $at }.
order-activate = ✅ Активировать
order-pay-card = 💳 Оплатить картой
order-pay-stars = ⭐ Оплатить Stars
order-coupon = 🏷 У меня есть купон
order-cancel = Отменить заказ
order-already-placed = Заказ уже оформлен: см. сообщение ниже.
order-renews = 🔁 Продлевается автоматически каждый период; отключить можно в любой момент в /status.
order-renews-card = 🔁 Продлевается автоматически каждые { $months } мес. с карты; отключить можно в любой момент в /status. Telegram Stars продлевают только месячные тарифы.

## Paying
pay-free = Купон покрывает всю цену: ваш тариф активен. См. /status.
pay-card = Безопасная оплата картой на странице оплаты Stripe:
pay-open-checkout = 💳 Перейти к оплате
stars-invoice-title = { $tier } — { $months ->
    [one] { $months } месяц
    [few] { $months } месяца
   *[other] { $months } месяцев
  }
stars-invoice-description = заказ signaldesk { $id }
stars-subscribe-text = Подписка за Telegram Stars: { $stars } ⭐ сейчас и каждые 30 дней, пока вы не отключите её в /status.
stars-subscribe-button = ⭐ Подписаться за { $stars } Stars в месяц
stars-not-ours = Этот счёт выставлен не нами.
stars-not-payable = Этот заказ больше нельзя оплатить. Начните заново в /shop.
stars-amount-mismatch = Сумма не совпадает с заказом. Откройте заказ заново в /shop.
cmd-refund = ORDER_ID — вернуть платёж в Telegram Stars
refund-usage = Использование: /refund ord_… (заказ, оплаченный Stars)
refund-stars-only = Здесь возвращаются только платежи в Telegram Stars; платежи картой возвращайте в Stripe.
refund-not-paid = Заказ { $id } в статусе { $status }; возвращать нечего.
refund-outcome = Заказ { $id }: { $result ->
    [refunded] возвращён
    [already_refunded] уже был возвращён
    [not_refundable] вернуть нельзя
   *[other] { $result }
  }.

## /devices
cmd-devices = ваши устройства MetaTrader: добавить, сменить ключ, удалить
device-ready = Устройство <b>{ $name }</b> готово.
device-rotated = У устройства новый секрет; старый больше не работает.
device-id = ID устройства: <code>{ $id }</code>
device-secret = Секрет: <code>{ $secret }</code>
device-secret-once = <b>Этот секрет показывается только сейчас.</b> Храните его надёжно; если он утёк, смените его в /devices.
device-setup-title = <b>Настройка советника (Expert Advisor)</b>
device-setup-0 = 0. Получите советник SignalDesk (<code>SignalDesk.mq5</code> и папку <code>SignalDesk</code>) у своего провайдера; инструкция по установке — <code>{ $guide }</code>.
device-setup-1 = 1. В MetaTrader 5: Сервис → Настройки → Советники → разрешите WebRequest для <code>{ $url }</code>.
device-setup-2 = 2. Скопируйте оба в MQL5/Experts, скомпилируйте SignalDesk.mq5 в MetaEditor и прикрепите к любому графику.
device-setup-3 = 3. Во входных параметрах укажите Server URL <code>{ $url }</code>, а Device ID и Secret — как выше.
device-setup-4 = 4. Включите алготорговлю. Устройство появится в сети в /devices в течение минуты; лот, символы и паузу настраивайте там через ⚙️.
devices-none = У вас пока нет устройств.
devices-title = <b>Ваши устройства</b>
devices-last-seen = был(о) в сети { $at }
devices-never = ни разу не подключалось
devices-online = в сети
devices-paused = { " " }· ⏸ на паузе
devices-rotate = 🔑 Новый ключ { $name }
devices-remove = 🗑 Удалить { $name }
devices-add = ➕ Добавить устройство
devices-ask-name = Пришлите имя нового устройства (до { $max } символов), например "VPS Лондон".
devices-rotated-toast = Секрет заменён
devices-removed-toast = Устройство удалено

## /affiliate and payouts
cmd-affiliate = ваша реферальная ссылка, статистика и выплаты
aff-title = <b>Партнёр { $code }</b> — { $tier }, комиссия { $rate } %
aff-share = Поделитесь ссылкой:
aff-referrals = Приглашённые: { $referrals } · платящие: { $conversions }
aff-pending = В ожидании (период возврата): { $amount }
aff-balances = Доступно: { $available } · запрошено: { $requested } · выплачено: { $paid }
aff-pitch = Приводите трейдеров в signaldesk и получайте комиссию с каждого их тарифа в течение 12 месяцев.
aff-join = 🤝 Стать партнёром
aff-request-payout = 💸 Запросить выплату { $amount }
aff-payout-minimum = Выплату можно запросить, когда доступно от { $amount }.
aff-welcome = Добро пожаловать!
aff-already = Вы уже партнёр: ваша карточка выше.
aff-nothing-left = Всё доступное уже запрошено.
aff-payout-requested-toast = Выплата запрошена
aff-payout-requested = Выплата { $id } на { $amount } запрошена. Администратор скоро её проведёт.
aff-payout-requested-held = Выплата { $id } на { $amount } запрошена. Это ваша первая выплата: администратор проверит её перед оплатой; следующие выплаты проходят без проверки.
cmd-payouts = запрошенные выплаты: провести или отклонить
payouts-none = Нет ожидающих выплат.
payouts-item =
    <b>Выплата { $id }</b>
    Партнёр { $code }: { $amount }
    Запрошена { $at }
payouts-complete = ✅ Провести
payouts-reject = ❌ Отклонить
payouts-more = Ожидают ещё выплаты; сначала проведите эти.
payouts-admins-only = Проводить выплаты могут только администраторы.
payouts-ask-reference = Пришлите референс платежа для выплаты { $id } (номер перевода, ID PayPal…).
payouts-ask-reason = Пришлите причину отклонения выплаты { $id }; партнёр её увидит.
payouts-completed = Выплата { $id } проведена.
payouts-rejected = Выплата { $id } отклонена.
payouts-already-paid = Эта выплата уже проведена: решать нечего.
payouts-already-rejected = Эта выплата уже отклонена: решать нечего.
payouts-held = 🔎 Первая выплата партнёра: одобрите её перед оплатой.
payouts-approve = 🔎 Одобрить
payouts-approved = Выплата { $id } одобрена: теперь её можно провести.

## Admin: /stats, /signal, /broadcast, /console
cmd-console = ссылка для входа в веб-консоль
cmd-stats = пользователи, подписчики, выручка, устройства, сигналы
cmd-signal = EURUSD buy market sl=… tp=… ttl=… — опубликовать
cmd-broadcast = ТЕКСТ — сообщение всем пользователям
stats-text =
    <b>signaldesk сегодня</b>
    Пользователи: { $users }
    Активные подписчики: { $subscribers }
    Выручка за 30 дней: { $revenue }
    Устройства в сети: { $devices }
    Сигналы сегодня (UTC): { $signals }
signal-usage =
    Использование: /signal EURUSD buy market sl=1.0800 tp=1.0950 ttl=300
    Необязательно: entry=… vol=… tier=premium|vip|enterprise id=… note=свободный текст (в конце)
signal-invalid = Сигнал некорректен:
signal-published =
    Опубликован <code>{ $id }</code>: { $instrument } { $side } { $type }, получателей: { $recipients }.
    Управляйте позицией кнопками ниже.
broadcast-usage = Использование: /broadcast ваше сообщение всем пользователям
broadcast-queued = Рассылка поставлена в очередь для { $count } чел. Отправка — до 25 сообщений в секунду.
console-link =
    Ваша ссылка для входа в веб-консоль (одноразовая, действует 10 минут):
    { $url }

## /signals and signal messages
cmd-signals = последние сигналы; одобрить или отклонить
signals-none = Сигналов пока нет.
signals-title = <b>Последние сигналы</b>
signals-line = • { $head } — { $state }
signals-line-admin = • { $head } — { $status }; получателей { $recipients }: одобрено { $approved }, отклонено { $rejected }, ожидают { $pending }
signals-approved-toast = Одобрено
signals-rejected-toast = Отклонено
signal-entry-market = Вход: по рынку
signal-entry = Вход: { $price }
signal-sl-tp = SL: { $sl } · TP: { $tp }
signal-volume = Объём: { $volume } лот.
signal-note = Примечание: { $note }
signal-expires = Истекает: { $at }
signal-outcome-approved = ✅ Одобрено: отправлено на ваши устройства.
signal-outcome-auto = ✅ Одобрено автоматически: отправлено на ваши устройства.
signal-outcome-rejected = ❌ Отклонено.
signal-outcome-expired = ⌛ Истёк до принятия решения.
signal-outcome-cancelled = 🚫 Отменён оператором.
signal-outcome-closed = 🏁 Оператор закрыл эту позицию до вашего решения.
signal-approve = ✅ Одобрить
signal-reject = ❌ Отклонить
signal-new = 📣 Новый сигнал

## /region and /autoapprove
cmd-region = выбрать регион (цены и валюта)
cmd-autoapprove = on|off — одобрять новые сигналы автоматически
region-gb = 🇬🇧 Великобритания (GBP)
region-us = 🇺🇸 США (USD)
region-eu = 🇪🇺 Европа (EUR)
region-asia = 🌏 Азия (SGD)
region-current = Ваш регион: { $region }.
region-none = Вы ещё не выбрали регион.
region-explain = Цены показываются в валюте вашего региона.
region-saved-toast = Регион сохранён
region-saved = Теперь ваш регион: { $region }. Цены — в /shop.
auto-turn-on = Включить
auto-turn-off = Выключить
auto-now-on = Автоодобрение <b>включено</b>: новые сигналы уходят на ваши устройства без вопросов.
auto-now-off = Автоодобрение <b>выключено</b>: я буду спрашивать вас о каждом сигнале.
auto-is-on = Автоодобрение включено. Используйте /autoapprove on или /autoapprove off.
auto-is-off = Автоодобрение выключено. Используйте /autoapprove on или /autoapprove off.

## Device settings (/devices → ⚙️)
ds-mode-fixed = Фикс. лоты
ds-mode-risk = % риска
ds-mode-multiplier = × сигнал
ds-size-fixed = { $v } лот. на сделку
ds-size-risk = риск { $v }% капитала до стоп-лосса (сигналы без него пропускаются)
ds-size-multiplier = { $v }× объёма сигнала
ds-title = ⚙️ <b>{ $name }</b> — настройки v{ $version }
ds-size = <b>Размер:</b> { $size }
ds-cap-none = <b>Лимит лотов:</b> нет
ds-cap = <b>Лимит лотов:</b> { $lots } лот.
ds-symbols-as-signal = как в сигнале
ds-symbols = <b>Символы:</b> { $symbols }
ds-symbols-suffix = <b>Символы:</b> { $symbols }; остальные + <code>{ $suffix }</code>
ds-slippage = <b>Проскальзывание:</b> до { $points } пунктов
ds-deviation-any = <b>Отклонение входа:</b> любое
ds-deviation = <b>Отклонение входа:</b> не более { $pct }% от цены сигнала
ds-trading-paused = <b>Торговля:</b> ⏸ на паузе: новые сигналы отклоняются, открытые сделки получают обновления
ds-trading-active = <b>Торговля:</b> ▶️ активна
ds-applies = Советник применит изменения при следующем опросе, через несколько секунд.
ds-btn-no-cap = Без лимита
ds-btn-cap = лимит { $v }
ds-btn-points = { $v } п.
ds-btn-any-entry = Любой вход
ds-btn-symbols = 🔤 Символы и суффикс
ds-btn-resume = ▶️ Возобновить торговлю
ds-btn-pause = ⏸ Приостановить торговлю
ds-btn-defaults = ↩️ По умолчанию
ds-symbols-title = 🔤 <b>{ $name }</b> — символы
ds-symbols-explain =
    Брокеры называют инструменты по-разному (золото — XAUUSD, GOLD или XAUUSD.m). Сопоставленный
    символ используется как написан; ко всем остальным добавляется суффикс.
ds-symbols-none = Сопоставленных символов нет.
ds-suffix = Суффикс: <code>{ $suffix }</code>
ds-suffix-none = Суффикс: нет
ds-btn-map = ➕ Сопоставить символ
ds-btn-no-suffix = Без суффикса
ds-btn-back = ⬅️ Назад
ds-ask-fixed = Пришлите лоты на сделку, например 0.03 (не более { $max }).
ds-ask-risk = Пришлите % капитала для риска на сделку, например 1.5 (не более { $max }).
ds-ask-multiplier = Пришлите множитель объёма сигнала, например 1.5 (не более { $max }).
ds-ask-cap = Пришлите максимум лотов на одну сделку, например 2 (не более { $max }).
ds-ask-map = Пришлите символ сигнала и символ вашего брокера через пробел, например "XAUUSD GOLD.m".
ds-ask-suffix = Пришлите суффикс, который брокер добавляет к символам, например .m (до { $max } символов).
ds-device-removed = Это устройство удалено; его настройки больше нельзя менять.
ds-not-a-number = Это не число.
ds-two-symbols = Пришлите два символа через пробел, например "XAUUSD GOLD.m".
ds-toast-mode = Размер: { $mode }
ds-toast-size = Размер сохранён
ds-toast-cap = Лимит лотов сохранён
ds-toast-slippage = Проскальзывание сохранено
ds-toast-deviation = Отклонение сохранено
ds-toast-paused = Пауза: новые сигналы будут отклоняться
ds-toast-resumed = Торговля возобновлена
ds-toast-suffix = Суффикс сохранён
ds-toast-unmapped = { $symbol } больше не сопоставлен
ds-toast-defaults = Настройки сброшены
ds-reset-confirm =
    Сбросить <b>{ $name }</b> к настройкам по умолчанию?

    Размер { $lots } лот., без лимита лотов, без сопоставлений и суффикса, проскальзывание { $points } пунктов, любой вход, торговля активна.
ds-reset-yes = ↩️ Да, сбросить
ds-reset-keep = Оставить мои настройки

## Trials and coupons
admins-only = Только для администраторов.
trial-started = 🎁 Ваш бесплатный пробный период <b>{ $tier }</b> действует до { $at }. Добавьте терминал MetaTrader через /devices.
coupon-ask = Пришлите код купона.
coupon-usage =
    Использование: /coupon КОД 20% [max=100] [expires=2026-12-31] [tier=premium|vip|enterprise] [first]
    или: /coupon КОД 5.00GBP … для скидки на фиксированную сумму.
coupon-bad-code = Код должен содержать от 3 до 32 символов из A-Z, 0-9, _ и -.
coupon-bad-discount = Укажите скидку от 1% до 100% или сумму, например 5.00GBP.
coupon-bad-option = Не понимаю "{ $option }".
coupon-created = Купон <code>{ $code }</code> создан.
coupons-none = Купонов пока нет.
coupons-line = • <code>{ $code }</code> — скидка { $off }, использовано { $used }
coupons-until = , до { $at }
coupons-first-only = , только первый заказ
coupon-deleted = Купон { $code } удалён
cmd-coupon = КОД 20% [max=…] [expires=…] — создать купон
cmd-coupons = купоны и их использование

## Positions (/close, /modify) and their notices
cmd-close = [сигнал или инструмент] — закрыть позицию
cmd-modify = <сигнал> sl=… tp=… — передвинуть стоп или цель
modify-usage = Использование: /modify <id сигнала или инструмент> sl=1.0850 tp=1.0990 (sl=be переносит стоп на вход)
pos-btn-breakeven = 🛡 Безубыток
pos-btn-half = ✂️ Закрыть 50%
pos-btn-close = 🏁 Закрыть
pos-btn-confirm = ✅ Подтвердить
pos-btn-keep = ✖️ Оставить как есть
pos-already-closed = Эта позиция уже закрыта.
pos-no-fill = По этому рыночному сигналу ещё нет исполнения, поэтому нет цены входа для переноса стопа.
pos-too-many-digits = В этих ценах слишком много знаков; сократите их.
pos-confirm =
    { $head } <code>{ $id }</code>
    Применить: { $phrase } — на всех устройствах с этой позицией?
pos-no-entry-yet = Цены входа для переноса стопа пока нет.
pos-done = Готово: обновление №{ $seq } по { $head }, { $phrase }. Оно уйдёт на все устройства с этой позицией.
pos-no-match = Нет открытой позиции, подходящей под «{ $query }».
pos-none-open = Открытых позиций нет.
pos-which = Какую позицию закрыть?
pos-nothing-changed = Ничего не изменено.
pips = { $pips } пипс.
upd-closed = позиция закрыта
upd-partial = закрыто { $percent } позиции
upd-sl = SL перенесён на { $price }
upd-sl-breakeven = SL перенесён на { $price } (безубыток)
upd-tp = TP перенесён на { $price }
upd-text = { $icon } { $head }: { $phrase } на { $devices ->
    [one] { $devices } устройстве
   *[other] { $devices } устройствах
  }.
res-code = { " " }(код { $code })
res-failed = ⚠️ { $device } не смогло применить "{ $phrase }" к { $head }
res-modified = ✅ { $head }: { $phrase } на { $device }.
res-closed = закрыта
res-partial = закрыто { $percent }
res-done = ✅ { $head } { $what } на { $device }.
res-done-at = ✅ { $head } { $what } на { $device } по { $price }{ $pips }.

## /record
cmd-record = [дней] — проверенная статистика
record-title = <b>Статистика за последние { $days } дн.</b>
record-empty = Закрытых сигналов с полученными результатами пока нет.
record-signals = Сигналы: { $signals } (прибыльных { $wins }, убыточных { $losses })
record-signals-even = Сигналы: { $signals } (прибыльных { $wins }, убыточных { $losses }, в ноль { $even })
record-win-rate = Доля прибыльных: { $rate }%
record-total = Итого: { $pips }
record-average = В среднем: { $average } · макс. просадка { $drawdown }R
record-source = Цифры берутся только из исполнений и закрытий, о которых сообщили терминалы.
record-usage = Использование: /record [дней], от 1 до 365 (по умолчанию 30).

## Notifications
exec-filled = ✅ { $device } исполнило { $what }: { $volume } лот. по { $price } (тикет { $ticket }).
exec-failed = ⚠️ { $device } не смогло исполнить { $what }: { $error } (код { $code }).
device-offline = ⚠️ Ваше устройство <b>{ $name }</b> отключилось, а его ждут одобренные сигналы: { $pending }. Проверьте, что MetaTrader и советник работают.
paid-title =
    💳 <b>Оплата получена</b>, спасибо!
    Заказ { $id }: { $plan }.
paid-total = Итого: { $total }.
paid-starts-later = Начинается { $starts } (после текущего периода) и действует до { $until }.
paid-active-until = Ваш тариф активен до { $until }.
refunded-text = ↩️ Заказ { $id } возвращён. Оплаченный им период тарифа удалён.

## /language
cmd-language = выбрать язык бота
language-choose = Бот говорит с вами на языке: { $language }. Выберите другой язык:
language-saved = Готово: теперь бот говорит с вами на языке: { $language }. Команды — в /help.

## Manners: private chats, /cancel, /support, /terms, blocked users
private-only = Это личное: отвечу в нашем личном чате.
private-open = Открыть личный чат
cmd-cancel = перестать ждать ответа на мой вопрос
cmd-support = как получить помощь
cmd-terms = условия обслуживания
cancel-done = Отменено. Я больше не жду ответа. Что делать дальше — в /help.
cancel-nothing = Отменять нечего: я не ждал ответа.
support-text = Нужна помощь с оплатой, тарифом или устройством? Напишите оператору сервиса; укажите номер заказа (из /status) или имя устройства. Платежи в Telegram Stars оператор может вернуть.
terms-text = Сигналы — это информация, а не финансовая рекомендация; торговля связана с риском, и прошлые результаты не гарантируют будущих. Тариф даёт доступ к сигналам и их доставке на устройства на оплаченный срок; оператор может вернуть платёж. Полные условия — через /support.

## Auto-renewal (card subscriptions): /status section, cancel and resume, card page, renewal notices
sub-title = <b>Автопродление</b>
sub-line-active = • { $plan }: { $price } { $months ->
    [one] каждый месяц
    [few] каждые { $months } месяца
   *[other] каждые { $months } месяцев
  }, следующее списание { $end }
sub-line-cancelled = • { $plan }: автопродление выключено, тариф заканчивается { $end }
sub-line-past-due = • { $plan }: ⚠️ последний платёж не прошёл; доступ сохраняется до { $end }
sub-btn-cancel = Отключить автопродление ({ $plan })
sub-btn-resume = Включить автопродление ({ $plan })
sub-btn-resume-short = Включить автопродление
sub-btn-card = 💳 Обновить карту
sub-btn-card-open = Открыть страницу карты
sub-btn-confirm-cancel = Да, отключить автопродление
sub-btn-keep = Нет, оставить
sub-confirm-cancel =
    Отключить автопродление <b>{ $plan }</b> ({ $price })?
    Больше списаний не будет. Тариф действует до { $end }, затем заканчивается. До этого автопродление можно включить снова.
sub-cancelled-toast = Автопродление отключено
sub-cancelled = Автопродление <b>{ $plan }</b> отключено. Тариф действует до { $end }, больше списаний не будет.
sub-kept = Ничего не изменилось: тариф продолжает продлеваться автоматически.
sub-already-off = Автопродление уже отключено; тариф заканчивается { $end }.
sub-resumed-toast = Автопродление включено
sub-resumed = Автопродление <b>{ $plan }</b> снова включено: { $price } { $end }, затем каждый период.
sub-card-text = Измените или исправьте карту на защищённой странице Stripe (ссылка действует недолго; нажмите 💳 Обновить карту ещё раз, чтобы получить новую).
sub-past-due = ⚠️ Не удалось продлить тариф <b>{ $plan }</b>: платёж по карте не прошёл. Доступ сохраняется до { $until }, пока платёж пробуют повторить. Обновите карту, чтобы сохранить тариф.
renewed-title =
    🔁 <b>Тариф продлён</b>: { $plan }.
    Заказ { $id }.
paid-renews = Тариф продлевается автоматически каждый период; управление — в /status.
refusal-subscriptions-not-found = Такой подписки нет (или она не ваша).
refusal-subscriptions-ended = Эта подписка закончилась. Новый тариф — в /shop.
refusal-subscriptions-no-billing-account = У вас нет подписки по карте, которой можно управлять.
refusal-subscriptions-stars-monthly-only = Telegram Stars продлевают только месячные тарифы: оплатите этот тариф один раз звёздами или продлевайте его картой.

## Renewal reminders and access ended (plans that do not renew by themselves)
renewal-reminder = ⏳ Ваш тариф { $plan } заканчивается через { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
  }, { $at }. Продлите сейчас, чтобы сигналы и каналы не прерывались.
renewal-ended = 🔒 Ваш тариф { $plan } закончился { $at }. Сигналы на ваши устройства и закрытые каналы отключены. Продлите, чтобы вернуть доступ.
renewal-renew = Продлить
renewal-renew-months = 🔄 Продлить на { $months ->
    [one] { $months } месяц
    [few] { $months } месяца
   *[other] { $months } месяцев
  }
renewal-other-lengths = Другой срок

## Stars payments no order could take (held for a refund)
stars-why-cancelled = он был отменён
stars-why-expired = срок его оплаты истёк
stars-why-paid = он уже был оплачен
stars-why-refunded = по нему был возврат
stars-why-mismatch = сумма не совпадает с ценой заказа
stars-why-unknown = такого заказа нет
stars-held-alerted = Мы получили ваши ⭐ { $amount } за заказ { $order }, но заказ не смог их принять: { $why }. Оператор уведомлён и может вернуть их вам. Номер платежа: <code>{ $charge }</code>
stars-held-support = Мы получили ваши ⭐ { $amount } за заказ { $order }, но заказ не смог их принять: { $why }. Они сохранены для возврата: напишите оператору (см. /support) с этим номером платежа: <code>{ $charge }</code>
stars-held-refunded = Ваши ⭐ { $amount } за заказ { $order } уже возвращены.
stars-held-admin =
    ⚠️ <b>Платёж в Stars не применён</b>
    { $payer } оплатил ⭐ { $amount } за заказ { $order }: { $why }.
    Номер платежа: <code>{ $charge }</code>
    Звёзды удерживаются, пока вы их не вернёте.
stars-refund-button = ↩️ Вернуть ⭐ { $amount }
stars-refund-admins-only = Возвращать платежи могут только администраторы.
stars-refund-unknown = Такого удержанного платежа нет.
stars-refund-in-progress = Этот возврат уже выполняется.
stars-refund-failed = Telegram не выполнил возврат: { $error }. Попробуйте ещё раз.
stars-refund-already = Уже возвращено.
stars-refund-done-toast = Возвращено.
stars-refund-done = ↩️ Возвращено ⭐ { $amount } (заказ { $order }) { $at }.
stars-refunded-buyer = ↩️ Ваши ⭐ { $amount } за заказ { $order } возвращены.

## Affiliate news: referrals, commissions, payouts
aff-news-referred = 🤝 <b>Новый реферал</b>: кто-то запустил бота по вашей ссылке. Вы получаете комиссию с его платежей в течение 12 месяцев.
aff-news-earned = 💰 <b>Начислена комиссия</b>: { $amount } с платежа реферала. Она станет доступна { $at }, после { $days }-дневного срока возврата.
aff-news-available = ✅ Комиссия { $amount } теперь доступна. Запросите выплату в /affiliate.
aff-news-payout-paid = 💸 <b>Выплата выполнена</b>: вам выплачено { $amount }. Референс: { $reference }
aff-news-payout-rejected = ❌ <b>Запрос на выплату отклонён</b> ({ $amount }): { $reason }. Сумму можно снова запросить в /affiliate.
## Channels and groups (/channels, join requests, the admins' cards and alerts, signal posts)
cmd-channels = ваши каналы и группы со ссылками для вступления
chan-title = <b>Каналы и группы</b>
chan-status-title = <b>Каналы</b>
chan-paid-title = 🔑 <b>Ваши каналы</b>
chan-none-open = Открытых каналов пока нет.
chan-see-plans = Тарифы
chan-line-member = • <b>{ $title }</b>: вы участник
chan-line-invited = • <b>{ $title }</b>: нажмите кнопку, чтобы подать заявку; я одобрю её сразу
chan-line-none = • <b>{ $title }</b>: нужен тариф { $plan } или выше
chan-join-button = Вступить в { $title }
chan-join-approved = ✅ Вы в <b>{ $title }</b>. Добро пожаловать!
chan-join-declined = <b>{ $title }</b> — для подписчиков { $plan } и выше. Оформите тариф, и я вас впущу.
chan-link-how-to = Чтобы подключить канал или группу: добавьте меня туда администратором с правом приглашать и блокировать пользователей (а в канале — публиковать) или перешлите мне любое сообщение из канала. Затем я спрошу минимальный тариф.
chan-already-linked = <b>{ $title }</b> уже подключён. См. /channels.
chan-cannot-manage-yet = Пока я не могу управлять <b>{ $title }</b>: сделайте меня администратором с правами { $missing }.
chan-cannot-manage = Я не могу управлять этим чатом: { $reason }
chan-link-ask = Подключить <b>{ $title }</b>? Выберите минимальный тариф для доступа:
chan-card =
    📢 <b>{ $title }</b> ({ $type ->
        [channel] канал
        [supergroup] супергруппа
       *[group] группа
    })
    Минимальный тариф: { $plan }
    Публикация сигналов: { $posts ->
        [on] включена
       *[off] выключена
    }, язык: { $language }
    Участников, принятых ботом: { $members }
chan-state-active = Состояние: активен
chan-state-inactive = Состояние: ⚠️ неактивен: { $reason }
chan-state-no-rights = у бота нет прав администратора
chan-btn-posts-on = Включить публикации
chan-btn-posts-off = Выключить публикации
chan-btn-tier = Изменить тариф
chan-btn-language = Язык публикаций
chan-btn-unlink = Отключить
chan-btn-back = ‹ Назад
chan-linked-toast = Подключено
chan-gone = Этот чат больше не подключён.
chan-posts-on-toast = Публикации включены
chan-posts-off-toast = Публикации выключены
chan-min-plan-toast = Минимальный тариф: { $plan }
chan-language-toast = Публикации на языке: { $language }
chan-unlink-ask = Отключить <b>{ $title }</b>? Я перестану принимать, удалять и публиковать там и отзову личные ссылки для вступления, которые там создал. Нынешние участники останутся: никто не будет удалён ни сейчас, ни позже.
chan-unlink-yes = Да, отключить
chan-unlink-keep = Оставить
chan-unlinked-toast = Отключено
chan-unlinked = <b>{ $title }</b> больше не подключён. Отозвано ссылок: { $revoked }. Участники остаются; удалите меня из чата, если мне тоже нужно уйти.
chan-unlinked-links-left = ⚠️ Не удалось отозвать ссылок: { $left }. Отзовите их в настройках чата (Пригласительные ссылки).
chan-rights-lost = ⚠️ Я потерял права администратора в <b>{ $title }</b> (не хватает: { $missing }). Там никого не принимаю и не удаляю, пока вы снова не сделаете меня администратором.
chan-rights-back = ✅ Права администратора в <b>{ $title }</b> вернулись: канал снова активен.
post-market = по рынку
post-market-at = по рынку ({ $price })
post-entry = Вход: { $entry }
post-sl = SL: { $price }
post-tp = TP: { $price }
post-note = Комментарий: { $note }
post-closed = 🏁 Позиция закрыта
post-partial = ✂️ Закрыто { $percent }% позиции
post-sl-moved = SL перенесён на { $price }
post-sl-breakeven = SL перенесён на { $price } (безубыток)
post-tp-moved = TP перенесён на { $price }
post-outcome = 🏁 <b>Закрыта</b> { $at } UTC

## Previews and confirmations (/signal, /broadcast, removing a device, a new secret)
draft-signal-preview = 👁 <b>Предпросмотр</b>: опубликовать этот сигнал для подписчиков { $tier } и выше?
draft-broadcast-preview = 👁 <b>Предпросмотр</b>: отправить это сообщение { $count ->
        [one] { $count } человеку
        [few] { $count } людям
        [many] { $count } людям
       *[other] { $count } людям
    }?
draft-send = ✅ Отправить
draft-cancel = ✖️ Отмена
draft-sent-toast = Отправлено
draft-cancelled = ✖️ Отменено: ничего не отправлено.
draft-settled = Уже сделано.
draft-expired = Срок предпросмотра истёк: ничего не отправлено. Отправьте команду ещё раз.
devices-rotate-ask = Выдать <b>{ $name }</b> новый секрет? Текущий сразу перестанет работать: советник будет офлайн, пока вы не введёте новый.
devices-rotate-yes = 🔑 Да, новый секрет
devices-remove-ask = Удалить <b>{ $name }</b>? Его секрет сразу перестанет работать, и сигналы на него больше не придут.
devices-remove-yes = 🗑 Да, удалить
devices-no = ✖️ Нет, оставить
devices-already-done = Уже сделано.
devices-rotated-below = 🔑 У <b>{ $name }</b> новый секрет: он в следующем сообщении.
devices-removed-named = 🗑 <b>{ $name }</b> удалено; его секрет больше не работает.
