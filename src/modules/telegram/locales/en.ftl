# signaldesk bot, English (the reference catalogue: every key here exists in es.ftl and ru.ftl).
# Texts are Telegram HTML: variables are escaped by the code before they get here.

## Errors and refusals
error-something-went-wrong = Something went wrong on our side. Please try again in a moment.
error-stale-button = This button is no longer valid. Send the command again for fresh ones.
error-admins-only = That command is only for admins.
error-unknown-command = I do not know that command. Try /shop, /status, /devices, /signals or /help.
error-not-understood = I did not understand that. Try /shop, /status, /devices, /signals or /help.
slow-down = You are sending messages too fast. Please slow down: I will answer again in a few seconds.
refusal-entitlements-required = Your plan does not include this. See /shop for plans that do.
refusal-orders-not-pending = This order is no longer waiting for payment. See /status.
refusal-orders-not-found = That order does not exist (or is not yours).
refusal-signals-already-decided = You have already decided on this signal.
refusal-signals-expired = This signal has expired.
refusal-signals-not-found = That signal does not exist (or was not sent to you).
refusal-devices-not-found = That device does not exist (or is not yours).
refusal-devices-limit-reached = You have as many devices as your plan allows. Remove one, or upgrade in /shop.
refusal-devices-name-taken = You already have a device with that name. Send another name.
refusal-payments-provider-unavailable = Card payments are not available right now.
refusal-affiliates-not-registered = You are not an affiliate yet. Use /affiliate to join.
refusal-affiliates-payout-held = This is the affiliate's first payout: approve it before completing it.
refusal-affiliates-payout-not-held = This payout is not waiting for approval.

## /start and /help
menu-shop = 🛒 Plans
menu-status = 📋 My plan
menu-signals = 📈 Signals
menu-devices = 🖥 Devices
menu-affiliate = 🤝 Affiliate
menu-help = ❓ Help
menu-open-app = 📱 Open the app
start-trader = trader
start-welcome = Welcome, { $name }! Here you can buy a signals plan, connect your MetaTrader devices and approve signals.
help-title = <b>Commands</b>
help-admin-title = <b>Admin</b>
cmd-start = main menu
cmd-help = this list

## /status
cmd-status = your plan, features and expiry dates
status-plan = Your plan: <b>{ $plan }</b>
status-signals-yes = • Signals: yes
status-signals-no = • Signals: no
status-devices = • Devices: up to { $count }
status-auto-yes = • Auto-approve: available
status-auto-no = • Auto-approve: not included
status-periods = <b>Periods</b>
status-until = until { $at }
status-renew = Renew { $plan }
status-see-plans = See plans
status-buy-plan = Buy a plan

## /shop and orders
cmd-shop = plans and prices; buy or renew
shop-tier-line = • <b>{ $tier }</b> — { $price }/month: up to { $devices } device(s)
shop-tier-line-auto = • <b>{ $tier }</b> — { $price }/month: up to { $devices } device(s), auto-approve
shop-tier-button = { $tier } — { $price }/mo
shop-empty = Nothing is on sale right now. Please check back later.
shop-region = Prices for region { $region } (change with /region).
shop-tier-gone = That plan is no longer on sale. See /shop.
shop-months = { $months ->
    [one] 1 month
   *[other] { $months } months
  } — { $price }
shop-months-saving = { $months ->
    [one] 1 month
   *[other] { $months } months
  } — { $price } (save { $saved } %)
shop-trial-button = 🎁 Try it free for { $days } days
shop-how-long = <b>{ $tier }</b>: for how long?
shop-plan = Plan
shop-pay-once = Pay once
shop-renew-auto = 🔁 Renew automatically
shop-other-lengths = « Other lengths
shop-renewal-choice = <b>{ $tier }</b>, { $months ->
    [one] 1 month
   *[other] { $months } months
  } — { $price }. Pay once, or renew automatically?
shop-once-only = <b>{ $tier }</b>, { $months ->
    [one] 1 month
   *[other] { $months } months
  } — { $price }. Telegram Stars renew monthly plans only, so this length is paid once.
shop-renews-monthly = Renewing automatically charges { $price } every month until you cancel it in /status.
shop-renews-card = Renewing automatically charges { $price } every { $months } months by card until you cancel it in /status (Telegram Stars renew monthly plans only).
order-cancelled-toast = Order cancelled
order-cancelled = This order was cancelled. See /shop to start again.
quote-base = Plan price
quote-regional-markup = Regional pricing
quote-affiliate-discount = Referral discount
quote-volume-discount = Multi-month discount
quote-coupon = Coupon
order-title = <b>Order { $id }</b>
order-plan = { $tier }, { $months ->
    [one] 1 month
   *[other] { $months } months
  }
order-total = <b>Total: { $total }</b>
order-held-until = This price is held until { $at }.
order-activate = ✅ Activate
order-pay-card = 💳 Pay by card
order-pay-stars = ⭐ Pay with Stars
order-coupon = 🏷 I have a coupon
order-cancel = Cancel order
order-already-placed = Your order is already placed: see the message below.
order-renews = 🔁 Renews automatically each period; cancel any time in /status.
order-renews-card = 🔁 Renews automatically every { $months } months by card; cancel any time in /status. Telegram Stars renew monthly plans only.

## Paying
pay-free = Your coupon covers the whole price: your plan is active. See /status.
pay-card = Pay securely with your card on Stripe's checkout page:
pay-open-checkout = 💳 Open checkout
stars-invoice-title = { $tier } — { $months ->
    [one] 1 month
   *[other] { $months } months
  }
stars-invoice-description = signaldesk order { $id }
stars-subscribe-text = Subscribe with Telegram Stars: { $stars } ⭐ now and every 30 days until you cancel it in /status.
stars-subscribe-button = ⭐ Subscribe for { $stars } Stars a month
stars-not-ours = This invoice is not one of ours.
stars-not-payable = This order can no longer be paid. Start again in /shop.
stars-amount-mismatch = The amount does not match the order. Open the order again in /shop.
cmd-refund = ORDER_ID — refund a Telegram Stars payment
refund-usage = Usage: /refund ord_… (a paid Stars order)
refund-stars-only = Only Telegram Stars payments are refunded here; refund card payments in Stripe.
refund-not-paid = Order { $id } is { $status }; nothing to refund.
refund-outcome = Order { $id }: { $result ->
    [refunded] refunded
    [already_refunded] already refunded
    [not_refundable] not refundable
   *[other] { $result }
  }.

## /devices
cmd-devices = your MetaTrader devices: add, rotate, remove
device-ready = Device <b>{ $name }</b> is ready.
device-rotated = The device has a new secret; the old one no longer works.
device-id = Device ID: <code>{ $id }</code>
device-secret = Secret: <code>{ $secret }</code>
device-secret-once = <b>This secret is shown only now.</b> Keep it safe; if it leaks, rotate it in /devices.
device-setup-title = <b>Set up your Expert Advisor</b>
device-setup-0 = 0. Get the SignalDesk EA (<code>SignalDesk.mq5</code> and its <code>SignalDesk</code> folder) from your provider; its install guide is <code>{ $guide }</code>.
device-setup-1 = 1. In MetaTrader 5: Tools → Options → Expert Advisors → allow WebRequest for <code>{ $url }</code>.
device-setup-2 = 2. Copy both into MQL5/Experts, compile SignalDesk.mq5 in MetaEditor and attach it to any chart.
device-setup-3 = 3. In its inputs, set Server URL to <code>{ $url }</code>, Device ID and Secret as above.
device-setup-4 = 4. Enable Algo Trading. The device shows as online in /devices within a minute; set lot size, symbols and pause with ⚙️ there.
devices-none = You have no devices yet.
devices-title = <b>Your devices</b>
devices-last-seen = last seen { $at }
devices-never = never connected
devices-online = online
devices-paused = { " " }· ⏸ paused
devices-rotate = 🔑 Rotate { $name }
devices-remove = 🗑 Remove { $name }
devices-add = ➕ Add a device
devices-ask-name = Send me a name for the new device (up to { $max } characters), e.g. "London VPS".
devices-rotated-toast = Secret rotated
devices-removed-toast = Device removed

## /affiliate and payouts
cmd-affiliate = your referral link, stats and payouts
aff-title = <b>Affiliate { $code }</b> — { $tier }, { $rate } % commission
aff-share = Share your link:
aff-referrals = Referrals: { $referrals } · paying: { $conversions }
aff-pending = Pending (refund window): { $amount }
aff-balances = Available: { $available } · requested: { $requested } · paid: { $paid }
aff-pitch = Bring traders to signaldesk and earn a commission on every plan they buy for 12 months.
aff-join = 🤝 Become an affiliate
aff-request-payout = 💸 Request payout of { $amount }
aff-payout-minimum = Payouts can be requested from { $amount } available.
aff-welcome = Welcome aboard!
aff-already = You are already an affiliate: your card is above.
aff-nothing-left = Everything available has already been requested.
aff-payout-requested-toast = Payout requested
aff-payout-requested = Payout { $id } of { $amount } requested. An admin will settle it soon.
aff-payout-requested-held = Payout { $id } of { $amount } requested. As your first payout, an admin reviews it before paying it; later payouts skip this check.
cmd-payouts = requested payouts: complete or reject
payouts-none = No payouts are waiting.
payouts-item =
    <b>Payout { $id }</b>
    Affiliate { $code }: { $amount }
    Requested { $at }
payouts-complete = ✅ Complete
payouts-reject = ❌ Reject
payouts-more = More are waiting; settle these first.
payouts-admins-only = Only admins can settle payouts.
payouts-ask-reference = Send the payment reference for payout { $id } (bank transfer id, PayPal id…).
payouts-ask-reason = Send the reason for rejecting payout { $id }; the affiliate will see it.
payouts-completed = Payout { $id } completed.
payouts-rejected = Payout { $id } rejected.
payouts-already-paid = This payout is already paid: nothing to decide.
payouts-already-rejected = This payout is already rejected: nothing to decide.
payouts-held = 🔎 The affiliate's first payout: approve it before paying.
payouts-approve = 🔎 Approve
payouts-approved = Payout { $id } approved: it can be completed now.

## Admin: /stats, /signal, /broadcast, /console
cmd-console = a sign-in link to the web console
cmd-stats = users, subscribers, revenue, devices, signals
cmd-signal = EURUSD buy market sl=… tp=… ttl=… — publish
cmd-broadcast = TEXT — message every user
stats-text =
    <b>signaldesk today</b>
    Users: { $users }
    Active subscribers: { $subscribers }
    Revenue, last 30 days: { $revenue }
    Devices online: { $devices }
    Signals today (UTC): { $signals }
signal-usage =
    Usage: /signal EURUSD buy market sl=1.0800 tp=1.0950 ttl=300
    Optional: entry=… vol=… tier=premium|vip|enterprise id=… note=free text (last)
signal-invalid = That signal is not valid:
signal-published =
    Published <code>{ $id }</code>: { $instrument } { $side } { $type }, to { $recipients } recipient(s).
    Manage the position with the buttons below.
broadcast-usage = Usage: /broadcast your message to every user
broadcast-queued = Broadcast queued for { $count } people. It goes out at up to 25 messages per second.
console-link =
    Your sign-in link to the web console (single use, valid 10 minutes):
    { $url }

## /signals and signal messages
cmd-signals = recent signals; approve or reject
signals-none = No signals yet.
signals-title = <b>Recent signals</b>
signals-line = • { $head } — { $state }
signals-line-admin = • { $head } — { $status }; { $recipients } recipients: { $approved } approved, { $rejected } rejected, { $pending } pending
signals-approved-toast = Approved
signals-rejected-toast = Rejected
signal-entry-market = Entry: market
signal-entry = Entry: { $price }
signal-sl-tp = SL: { $sl } · TP: { $tp }
signal-volume = Volume: { $volume } lots
signal-note = Note: { $note }
signal-expires = Expires: { $at }
signal-outcome-approved = ✅ Approved: sent to your devices.
signal-outcome-auto = ✅ Auto-approved: sent to your devices.
signal-outcome-rejected = ❌ Rejected.
signal-outcome-expired = ⌛ Expired before a decision.
signal-outcome-cancelled = 🚫 Cancelled by the operator.
signal-outcome-closed = 🏁 The operator closed this position before you decided.
signal-approve = ✅ Approve
signal-reject = ❌ Reject
signal-new = 📣 New signal

## /region and /autoapprove
cmd-region = choose your region (prices and currency)
cmd-autoapprove = on|off — approve new signals automatically
region-gb = 🇬🇧 United Kingdom (GBP)
region-us = 🇺🇸 United States (USD)
region-eu = 🇪🇺 Europe (EUR)
region-asia = 🌏 Asia (SGD)
region-current = Your region is { $region }.
region-none = You have not chosen a region yet.
region-explain = Prices are shown in your region's currency.
region-saved-toast = Region saved
region-saved = Your region is now { $region }. See /shop for prices.
auto-turn-on = Turn on
auto-turn-off = Turn off
auto-now-on = Auto-approve is <b>on</b>: new signals go to your devices without asking you.
auto-now-off = Auto-approve is <b>off</b>: I will ask you to approve each signal.
auto-is-on = Auto-approve is on. Use /autoapprove on or /autoapprove off.
auto-is-off = Auto-approve is off. Use /autoapprove on or /autoapprove off.

## Device settings (/devices → ⚙️)
ds-mode-fixed = Fixed lots
ds-mode-risk = % risk
ds-mode-multiplier = × signal
ds-size-fixed = { $v } lots per trade
ds-size-risk = risk { $v }% of equity to the stop loss (signals without one are skipped)
ds-size-multiplier = { $v }× the signal's volume
ds-title = ⚙️ <b>{ $name }</b> — settings v{ $version }
ds-size = <b>Size:</b> { $size }
ds-cap-none = <b>Lot cap:</b> none
ds-cap = <b>Lot cap:</b> { $lots } lots
ds-symbols-as-signal = as in the signal
ds-symbols = <b>Symbols:</b> { $symbols }
ds-symbols-suffix = <b>Symbols:</b> { $symbols }; others + <code>{ $suffix }</code>
ds-slippage = <b>Slippage:</b> up to { $points } points
ds-deviation-any = <b>Entry deviation:</b> any
ds-deviation = <b>Entry deviation:</b> at most { $pct }% from the signal's price
ds-trading-paused = <b>Trading:</b> ⏸ paused: new signals are refused, open trades still follow updates
ds-trading-active = <b>Trading:</b> ▶️ active
ds-applies = Your Expert Advisor applies changes at its next poll, within seconds.
ds-btn-no-cap = No cap
ds-btn-cap = cap { $v }
ds-btn-points = { $v } pts
ds-btn-any-entry = Any entry
ds-btn-symbols = 🔤 Symbols & suffix
ds-btn-resume = ▶️ Resume trading
ds-btn-pause = ⏸ Pause trading
ds-btn-defaults = ↩️ Defaults
ds-symbols-title = 🔤 <b>{ $name }</b> — symbols
ds-symbols-explain =
    Brokers name instruments differently (gold is XAUUSD, GOLD or XAUUSD.m). A mapped symbol is
    used exactly as written; every other one gets the suffix.
ds-symbols-none = No symbols mapped.
ds-suffix = Suffix: <code>{ $suffix }</code>
ds-suffix-none = Suffix: none
ds-btn-map = ➕ Map a symbol
ds-btn-no-suffix = No suffix
ds-btn-back = ⬅️ Back
ds-ask-fixed = Send the lots per trade, e.g. 0.03 (at most { $max }).
ds-ask-risk = Send the % of equity to risk per trade, e.g. 1.5 (at most { $max }).
ds-ask-multiplier = Send the multiple of the signal's volume, e.g. 1.5 (at most { $max }).
ds-ask-cap = Send the most lots any one trade may have, e.g. 2 (at most { $max }).
ds-ask-map = Send the signal's symbol and your broker's, separated by a space, e.g. "XAUUSD GOLD.m".
ds-ask-suffix = Send the suffix your broker adds to symbols, e.g. .m (up to { $max } characters).
ds-device-removed = That device was removed; its settings can no longer change.
ds-not-a-number = That is not a number.
ds-two-symbols = Send two symbols separated by a space, e.g. "XAUUSD GOLD.m".
ds-toast-mode = Size: { $mode }
ds-toast-size = Size saved
ds-toast-cap = Lot cap saved
ds-toast-slippage = Slippage saved
ds-toast-deviation = Deviation saved
ds-toast-paused = Paused: new signals will be refused
ds-toast-resumed = Trading resumed
ds-toast-suffix = Suffix saved
ds-toast-unmapped = { $symbol } unmapped
ds-toast-defaults = Back to the defaults
ds-reset-confirm =
    Reset <b>{ $name }</b> to the defaults?

    Size { $lots } lots, no lot cap, no symbol map or suffix, slippage { $points } points, any entry, trading active.
ds-reset-yes = ↩️ Yes, reset
ds-reset-keep = Keep my settings

## Trials and coupons
admins-only = Only for admins.
trial-started = 🎁 Your free trial of <b>{ $tier }</b> is active until { $at }. Add your MetaTrader terminal with /devices.
coupon-ask = Send me your coupon code.
coupon-usage =
    Usage: /coupon CODE 20% [max=100] [expires=2026-12-31] [tier=premium|vip|enterprise] [first]
    or: /coupon CODE 5.00GBP … for a fixed amount off.
coupon-bad-code = The code must be 3 to 32 of A-Z, 0-9, _ and -.
coupon-bad-discount = Give the discount as 1% to 100%, or an amount such as 5.00GBP.
coupon-bad-option = I do not understand "{ $option }".
coupon-created = Coupon <code>{ $code }</code> created.
coupons-none = No coupons yet.
coupons-line = • <code>{ $code }</code> — { $off } off, { $used } used
coupons-until = , until { $at }
coupons-first-only = , first order only
coupon-deleted = Coupon { $code } deleted
cmd-coupon = CODE 20% [max=…] [expires=…] — create a coupon
cmd-coupons = coupons and their redemptions

## Positions (/close, /modify) and their notices
cmd-close = [signal or instrument] — close a position
cmd-modify = <signal> sl=… tp=… — move the stop or target
modify-usage = Usage: /modify <signal id or instrument> sl=1.0850 tp=1.0990 (sl=be moves the stop to the entry)
pos-btn-breakeven = 🛡 Breakeven
pos-btn-half = ✂️ Close 50%
pos-btn-close = 🏁 Close
pos-btn-confirm = ✅ Confirm
pos-btn-keep = ✖️ Keep as is
pos-already-closed = That position is already closed.
pos-no-fill = This market signal has no fill yet, so there is no entry price to move the stop to.
pos-too-many-digits = Those prices have too many digits; shorten them.
pos-confirm =
    { $head } <code>{ $id }</code>
    Apply: { $phrase }, on every device holding it?
pos-no-entry-yet = There is no entry price to move the stop to yet.
pos-done = Done: update #{ $seq } of { $head }, { $phrase }. It goes to every device holding the position.
pos-no-match = No open position matches “{ $query }”.
pos-none-open = No open positions.
pos-which = Which position do you want to close?
pos-nothing-changed = Nothing changed.
pips = { $pips } pips
upd-closed = position closed
upd-partial = { $percent } of the position closed
upd-sl = SL moved to { $price }
upd-sl-breakeven = SL moved to { $price } (breakeven)
upd-tp = TP moved to { $price }
upd-text = { $icon } { $head }: { $phrase } on { $devices ->
    [one] 1 device
   *[other] { $devices } devices
  }.
res-code = { " " }(code { $code })
res-failed = ⚠️ { $device } could not apply "{ $phrase }" to { $head }
res-modified = ✅ { $head }: { $phrase } on { $device }.
res-closed = closed
res-partial = { $percent } closed
res-done = ✅ { $head } { $what } on { $device }.
res-done-at = ✅ { $head } { $what } on { $device } at { $price }{ $pips }.

## /record
cmd-record = [days] — the verified track record
record-title = <b>Track record, last { $days } days</b>
record-empty = No closed signals with reported results yet.
record-signals = Signals: { $signals } ({ $wins } won, { $losses } lost)
record-signals-even = Signals: { $signals } ({ $wins } won, { $losses } lost, { $even } even)
record-win-rate = Win rate: { $rate }%
record-total = Total: { $pips }
record-average = Average: { $average } · max drawdown { $drawdown }R
record-source = Figures come only from fills and closes the terminals reported.
record-usage = Usage: /record [days], 1 to 365 (30 by default).

## Notifications
exec-filled = ✅ { $device } filled { $what }: { $volume } lots at { $price } (ticket { $ticket }).
exec-failed = ⚠️ { $device } could not execute { $what }: { $error } (code { $code }).
device-offline = ⚠️ Your device <b>{ $name }</b> went offline while { $pending } approved signal(s) wait for it. Check that MetaTrader and the EA are running.
paid-title =
    💳 <b>Payment received</b>, thank you!
    Order { $id }: { $plan }.
paid-total = Total: { $total }.
paid-starts-later = It starts { $starts } (after your current period) and runs until { $until }.
paid-active-until = Your plan is active until { $until }.
refunded-text = ↩️ Order { $id } was refunded. The plan period it paid for has been removed.

## /language
cmd-language = choose the bot's language
language-choose = The bot speaks { $language } with you. Choose another language:
language-saved = Done: the bot now speaks { $language } with you. See /help for the commands.

## Manners: private chats, /cancel, /support, /terms, blocked users
private-only = That is personal: I answer it in our private chat.
private-open = Open the private chat
cmd-cancel = stop what I am asking you for
cmd-support = how to get help
cmd-terms = the terms of service
cancel-done = Cancelled. I am no longer waiting for an answer. See /help for what to do next.
cancel-nothing = There is nothing to cancel: I was not waiting for an answer.
support-text = Need help with a payment, a plan or a device? Write to the operator of this service; include your order id (from /status) or device name. Payments made with Telegram Stars can be refunded by the operator.
terms-text = Signals are information, not financial advice; trading carries risk and past results do not promise future ones. A plan gives access to signals and device delivery for the period bought; payments can be refunded by the operator. Ask /support for the full terms.

## Auto-renewal (card subscriptions): /status section, cancel and resume, card page, renewal notices
sub-title = <b>Auto-renewal</b>
sub-line-active = • { $plan }: { $price } every { $months ->
    [one] month
   *[other] { $months } months
  }, next charge on { $end }
sub-line-cancelled = • { $plan }: auto-renewal off, the plan ends on { $end }
sub-line-past-due = • { $plan }: ⚠️ the last payment failed; access is kept until { $end }
sub-btn-cancel = Cancel auto-renewal ({ $plan })
sub-btn-resume = Resume auto-renewal ({ $plan })
sub-btn-resume-short = Resume auto-renewal
sub-btn-card = 💳 Update card
sub-btn-card-open = Open the card page
sub-btn-confirm-cancel = Yes, stop auto-renewal
sub-btn-keep = No, keep it
sub-confirm-cancel =
    Stop auto-renewal of <b>{ $plan }</b> ({ $price })?
    You will not be charged again. Your plan stays active until { $end }, then it ends. You can resume it before then.
sub-cancelled-toast = Auto-renewal stopped
sub-cancelled = Auto-renewal of <b>{ $plan }</b> is off. Your plan stays active until { $end }, and you will not be charged again.
sub-kept = Nothing changed: your plan keeps renewing automatically.
sub-already-off = Auto-renewal is already off; the plan ends on { $end }.
sub-resumed-toast = Auto-renewal back on
sub-resumed = Auto-renewal of <b>{ $plan }</b> is back on: { $price } on { $end }, then each period after that.
sub-card-text = Change or fix your card on Stripe's secure page (the link works for a short while; press 💳 Update card again for a new one).
sub-past-due = ⚠️ We could not renew your <b>{ $plan }</b> plan: the card payment failed. You keep access until { $until } while the card is tried again. Update your card to keep your plan.
renewed-title =
    🔁 <b>Your plan renewed</b>: { $plan }.
    Order { $id }.
paid-renews = It renews automatically each period; manage it in /status.
refusal-subscriptions-not-found = That subscription does not exist (or is not yours).
refusal-subscriptions-ended = That subscription has ended. See /shop for a new plan.
refusal-subscriptions-no-billing-account = You have no card subscription to manage.
refusal-subscriptions-stars-monthly-only = Telegram Stars renew monthly plans only: pay this plan once with Stars, or renew it by card.

## Renewal reminders and access ended (plans that do not renew by themselves)
renewal-reminder = ⏳ Your { $plan } plan ends in { $days ->
    [one] { $days } day
   *[other] { $days } days
  }, on { $at }. Renew now to keep your signals and channels without a gap.
renewal-ended = 🔒 Your { $plan } plan ended on { $at }. Signals to your devices and the members-only channels have stopped. Renew to get them back.
renewal-renew = Renew
renewal-renew-months = 🔄 Renew for { $months ->
    [one] { $months } month
   *[other] { $months } months
  }
renewal-other-lengths = Other lengths

## Stars payments no order could take (held for a refund)
stars-why-cancelled = it was cancelled
stars-why-expired = it had expired
stars-why-paid = it was already paid
stars-why-refunded = it was refunded
stars-why-mismatch = the amount differs from the order's price
stars-why-unknown = there is no such order
stars-held-alerted = We received your ⭐ { $amount } for order { $order }, but the order could not take them: { $why }. The operator has been told and can refund them to you. Payment id: <code>{ $charge }</code>
stars-held-support = We received your ⭐ { $amount } for order { $order }, but the order could not take them: { $why }. They are kept for a refund: write to the operator (see /support) with this payment id: <code>{ $charge }</code>
stars-held-refunded = Your ⭐ { $amount } for order { $order } were already refunded.
stars-held-admin =
    ⚠️ <b>Stars payment not applied</b>
    { $payer } paid ⭐ { $amount } for order { $order }: { $why }.
    Charge id: <code>{ $charge }</code>
    The stars are held until you refund them.
stars-refund-button = ↩️ Refund ⭐ { $amount }
stars-refund-admins-only = Only admins can refund payments.
stars-refund-unknown = There is no such held payment.
stars-refund-in-progress = This refund is already being made.
stars-refund-failed = Telegram did not refund it: { $error }. Try again.
stars-refund-already = Already refunded.
stars-refund-done-toast = Refunded.
stars-refund-done = ↩️ Refunded ⭐ { $amount } (order { $order }) at { $at }.
stars-refunded-buyer = ↩️ Your ⭐ { $amount } for order { $order } were refunded.

## Affiliate news: referrals, commissions, payouts
aff-news-referred = 🤝 <b>New referral</b>: someone started the bot with your link. You earn a commission on their payments for the next 12 months.
aff-news-earned = 💰 <b>Commission earned</b>: { $amount } from a referral's payment. It becomes available on { $at }, after the { $days }-day refund window.
aff-news-available = ✅ { $amount } of commission is now available. Request a payout in /affiliate.
aff-news-payout-paid = 💸 <b>Payout completed</b>: { $amount } has been paid to you. Reference: { $reference }
aff-news-payout-rejected = ❌ <b>Payout request rejected</b> ({ $amount }): { $reason }. The amount is available to request again in /affiliate.
## Channels and groups (/channels, join requests, the admins' cards and alerts, signal posts)
cmd-channels = your channels and groups, with join links
chan-title = <b>Channels and groups</b>
chan-status-title = <b>Channels</b>
chan-paid-title = 🔑 <b>Your channels</b>
chan-none-open = No channels are open yet.
chan-see-plans = See plans
chan-line-member = • <b>{ $title }</b>: you are a member
chan-line-invited = • <b>{ $title }</b>: tap the button to ask to join; I approve you at once
chan-line-none = • <b>{ $title }</b>: needs { $plan } or higher
chan-join-button = Join { $title }
chan-join-approved = ✅ You are in <b>{ $title }</b>. Welcome!
chan-join-declined = <b>{ $title }</b> is for { $plan } subscribers and above. Get a plan and I will let you in.
chan-link-how-to = To link a channel or group: add me there as an administrator that can invite and ban users (and post, in a channel), or forward me any message from the channel. I then ask for the minimum plan.
chan-already-linked = <b>{ $title }</b> is already linked. See /channels.
chan-cannot-manage-yet = I cannot manage <b>{ $title }</b> yet: make me an administrator with { $missing }.
chan-cannot-manage = I cannot manage that chat: { $reason }
chan-link-ask = Link <b>{ $title }</b>? Pick the minimum plan that gives access:
chan-card =
    📢 <b>{ $title }</b> ({ $type ->
        [channel] channel
        [supergroup] supergroup
       *[group] group
    })
    Minimum plan: { $plan }
    Signal posts: { $posts ->
        [on] on
       *[off] off
    }, in { $language }
    Members admitted by the bot: { $members }
chan-state-active = State: active
chan-state-inactive = State: ⚠️ inactive: { $reason }
chan-state-no-rights = the bot lacks admin rights
chan-btn-posts-on = Turn posts on
chan-btn-posts-off = Turn posts off
chan-btn-tier = Change tier
chan-btn-language = Posts' language
chan-btn-unlink = Unlink
chan-btn-back = ‹ Back
chan-linked-toast = Linked
chan-gone = That chat is no longer linked.
chan-posts-on-toast = Posts on
chan-posts-off-toast = Posts off
chan-min-plan-toast = Minimum plan: { $plan }
chan-language-toast = Posts in { $language }
chan-unlink-ask = Unlink <b>{ $title }</b>? I stop admitting, removing and posting there, and revoke the personal join links I made there. Current members stay: nobody is removed, now or later.
chan-unlink-yes = Yes, unlink
chan-unlink-keep = Keep
chan-unlinked-toast = Unlinked
chan-unlinked = <b>{ $title }</b> is no longer linked. Join links revoked: { $revoked }. Its members stay; remove me from the chat if I should leave it too.
chan-unlinked-links-left = ⚠️ Join links I could not revoke: { $left }. Revoke them in the chat's settings (Invite links).
chan-rights-lost = ⚠️ I lost my admin rights in <b>{ $title }</b> (missing: { $missing }). Nobody is admitted or removed there until you make me an administrator again.
chan-rights-back = ✅ My admin rights in <b>{ $title }</b> are back: the channel is active again.
post-market = market
post-market-at = market ({ $price })
post-entry = Entry: { $entry }
post-sl = SL: { $price }
post-tp = TP: { $price }
post-note = Note: { $note }
post-closed = 🏁 Position closed
post-partial = ✂️ { $percent }% of the position closed
post-sl-moved = SL moved to { $price }
post-sl-breakeven = SL moved to { $price } (breakeven)
post-tp-moved = TP moved to { $price }
post-outcome = 🏁 <b>Closed</b> { $at } UTC

## Previews and confirmations (/signal, /broadcast, removing a device, a new secret)
draft-signal-preview = 👁 <b>Preview</b>: publish this signal to { $tier } subscribers and above?
draft-broadcast-preview = 👁 <b>Preview</b>: send this message to { $count ->
        [one] 1 person
       *[other] { $count } people
    }?
draft-send = ✅ Send
draft-cancel = ✖️ Cancel
draft-sent-toast = Sent
draft-cancelled = ✖️ Cancelled: nothing was sent.
draft-settled = Already done.
draft-expired = This preview has expired: nothing was sent. Send the command again.
devices-rotate-ask = Give <b>{ $name }</b> a new secret? The current one stops working at once: the EA on it stays offline until you enter the new one.
devices-rotate-yes = 🔑 Yes, new secret
devices-remove-ask = Remove <b>{ $name }</b>? Its secret stops working at once and it receives no more signals.
devices-remove-yes = 🗑 Yes, remove
devices-no = ✖️ No, keep it
devices-already-done = Already done.
devices-rotated-below = 🔑 <b>{ $name }</b> has a new secret: it is in the next message.
devices-removed-named = 🗑 <b>{ $name }</b> was removed; its secret no longer works.
