# signaldesk bot, español. Mismas claves que en.ftl (una prueba lo comprueba).
# Los textos son HTML de Telegram: el código escapa las variables antes de que lleguen aquí.

## Errors and refusals
error-something-went-wrong = Algo ha fallado por nuestra parte. Inténtalo de nuevo en un momento.
error-stale-button = Este botón ya no es válido. Envía el comando otra vez para tener botones nuevos.
error-admins-only = Ese comando es solo para administradores.
error-unknown-command = No conozco ese comando. Prueba /shop, /status, /devices, /signals o /help.
error-not-understood = No lo he entendido. Prueba /shop, /status, /devices, /signals o /help.
slow-down = Estás enviando mensajes demasiado rápido. Ve más despacio: volveré a responder en unos segundos.
refusal-entitlements-required = Tu plan no incluye esto. Mira en /shop los planes que sí lo incluyen.
refusal-orders-not-pending = Este pedido ya no está pendiente de pago. Mira /status.
refusal-orders-not-found = Ese pedido no existe (o no es tuyo).
refusal-signals-already-decided = Ya has decidido sobre esta señal.
refusal-signals-expired = Esta señal ha caducado.
refusal-signals-not-found = Esa señal no existe (o no se te envió).
refusal-devices-not-found = Ese dispositivo no existe (o no es tuyo).
refusal-devices-limit-reached = Ya tienes tantos dispositivos como permite tu plan. Elimina uno o mejora tu plan en /shop.
refusal-devices-name-taken = Ya tienes un dispositivo con ese nombre. Envía otro nombre.
refusal-payments-provider-unavailable = Los pagos con tarjeta no están disponibles ahora mismo.
refusal-affiliates-not-registered = Todavía no eres afiliado. Usa /affiliate para unirte.
refusal-affiliates-payout-held = Es el primer pago del afiliado: apruébalo antes de completarlo.
refusal-affiliates-payout-not-held = Este pago no está esperando aprobación.

## /start and /help
menu-shop = 🛒 Planes
menu-status = 📋 Mi plan
menu-signals = 📈 Señales
menu-devices = 🖥 Dispositivos
menu-affiliate = 🤝 Afiliados
menu-help = ❓ Ayuda
menu-open-app = 📱 Abrir la app
start-trader = trader
start-welcome = ¡Hola, { $name }! Aquí puedes comprar un plan de señales, conectar tus dispositivos MetaTrader y aprobar señales.
help-title = <b>Comandos</b>
help-admin-title = <b>Administración</b>
cmd-start = menú principal
cmd-help = esta lista

## /status
cmd-status = tu plan, funciones y fechas de vencimiento
status-plan = Tu plan: <b>{ $plan }</b>
status-signals-yes = • Señales: sí
status-signals-no = • Señales: no
status-devices = • Dispositivos: hasta { $count }
status-auto-yes = • Aprobación automática: disponible
status-auto-no = • Aprobación automática: no incluida
status-periods = <b>Periodos</b>
status-until = hasta el { $at }
status-renew = Renovar { $plan }
status-see-plans = Ver planes
status-buy-plan = Comprar un plan

## /shop and orders
cmd-shop = planes y precios; comprar o renovar
shop-tier-line = • <b>{ $tier }</b> — { $price }/mes: hasta { $devices } dispositivo(s)
shop-tier-line-auto = • <b>{ $tier }</b> — { $price }/mes: hasta { $devices } dispositivo(s), aprobación automática
shop-tier-button = { $tier } — { $price }/mes
shop-empty = Ahora mismo no hay nada a la venta. Vuelve a mirar más tarde.
shop-region = Precios para la región { $region } (cámbiala con /region).
shop-tier-gone = Ese plan ya no está a la venta. Mira /shop.
shop-months = { $months ->
    [one] 1 mes
   *[other] { $months } meses
  } — { $price }
shop-months-saving = { $months ->
    [one] 1 mes
   *[other] { $months } meses
  } — { $price } (ahorras un { $saved } %)
shop-trial-button = 🎁 Pruébalo gratis { $days } días
shop-how-long = <b>{ $tier }</b>: ¿por cuánto tiempo?
shop-plan = Plan
shop-pay-once = Pagar una vez
shop-renew-auto = 🔁 Renovar automáticamente
shop-other-lengths = « Otras duraciones
shop-renewal-choice = <b>{ $tier }</b>, { $months ->
    [one] 1 mes
   *[other] { $months } meses
  } — { $price }. ¿Pagar una vez o renovar automáticamente?
shop-once-only = <b>{ $tier }</b>, { $months ->
    [one] 1 mes
   *[other] { $months } meses
  } — { $price }. Las Telegram Stars solo renuevan planes mensuales, así que esta duración se paga una vez.
shop-renews-monthly = La renovación automática cobra { $price } cada mes hasta que la canceles en /status.
shop-renews-card = La renovación automática cobra { $price } cada { $months } meses con tarjeta hasta que la canceles en /status (las Telegram Stars solo renuevan planes mensuales).
order-cancelled-toast = Pedido cancelado
order-cancelled = Este pedido se ha cancelado. Usa /shop para empezar de nuevo.
quote-base = Precio del plan
quote-regional-markup = Precio regional
quote-affiliate-discount = Descuento por referido
quote-volume-discount = Descuento por varios meses
quote-coupon = Cupón
order-title = <b>Pedido { $id }</b>
order-plan = { $tier }, { $months ->
    [one] 1 mes
   *[other] { $months } meses
  }
order-total = <b>Total: { $total }</b>
order-held-until = Este precio se mantiene hasta el { $at }.
order-activate = ✅ Activar
order-pay-card = 💳 Pagar con tarjeta
order-pay-stars = ⭐ Pagar con Stars
order-coupon = 🏷 Tengo un cupón
order-cancel = Cancelar pedido
order-already-placed = Tu pedido ya está hecho: mira el mensaje de abajo.
order-renews = 🔁 Se renueva automáticamente cada periodo; cancélalo cuando quieras en /status.
order-renews-card = 🔁 Se renueva automáticamente cada { $months } meses con tarjeta; cancélalo cuando quieras en /status. Las Telegram Stars solo renuevan planes mensuales.

## Paying
pay-free = Tu cupón cubre todo el precio: tu plan está activo. Mira /status.
pay-card = Paga de forma segura con tu tarjeta en la página de pago de Stripe:
pay-open-checkout = 💳 Abrir el pago
stars-invoice-title = { $tier } — { $months ->
    [one] 1 mes
   *[other] { $months } meses
  }
stars-invoice-description = pedido de signaldesk { $id }
stars-subscribe-text = Suscríbete con Telegram Stars: { $stars } ⭐ ahora y cada 30 días hasta que lo canceles en /status.
stars-subscribe-button = ⭐ Suscribirme por { $stars } Stars al mes
stars-not-ours = Esta factura no es nuestra.
stars-not-payable = Este pedido ya no se puede pagar. Empieza de nuevo en /shop.
stars-amount-mismatch = El importe no coincide con el pedido. Abre el pedido otra vez en /shop.
cmd-refund = ORDER_ID — reembolsar un pago con Telegram Stars
refund-usage = Uso: /refund ord_… (un pedido pagado con Stars)
refund-stars-only = Aquí solo se reembolsan pagos con Telegram Stars; los pagos con tarjeta se reembolsan en Stripe.
refund-not-paid = El pedido { $id } está { $status }; no hay nada que reembolsar.
refund-outcome = Pedido { $id }: { $result ->
    [refunded] reembolsado
    [already_refunded] ya estaba reembolsado
    [not_refundable] no se puede reembolsar
   *[other] { $result }
  }.

## /devices
cmd-devices = tus dispositivos MetaTrader: añadir, rotar, eliminar
device-ready = El dispositivo <b>{ $name }</b> está listo.
device-rotated = El dispositivo tiene un secreto nuevo; el anterior ya no funciona.
device-id = ID del dispositivo: <code>{ $id }</code>
device-secret = Secreto: <code>{ $secret }</code>
device-secret-once = <b>Este secreto solo se muestra ahora.</b> Guárdalo bien; si se filtra, rótalo en /devices.
device-setup-title = <b>Configura tu Expert Advisor</b>
device-setup-0 = 0. Consigue el EA de SignalDesk (<code>SignalDesk.mq5</code> y su carpeta <code>SignalDesk</code>) de tu proveedor; su guía de instalación es <code>{ $guide }</code>.
device-setup-1 = 1. En MetaTrader 5: Herramientas → Opciones → Asesores Expertos → permite WebRequest para <code>{ $url }</code>.
device-setup-2 = 2. Copia ambos en MQL5/Experts, compila SignalDesk.mq5 en MetaEditor y colócalo en cualquier gráfico.
device-setup-3 = 3. En sus parámetros, pon Server URL a <code>{ $url }</code>, y Device ID y Secret como arriba.
device-setup-4 = 4. Activa el Algo Trading. El dispositivo aparece en línea en /devices en menos de un minuto; ajusta allí el lotaje, los símbolos y la pausa con ⚙️.
devices-none = Todavía no tienes dispositivos.
devices-title = <b>Tus dispositivos</b>
devices-last-seen = visto por última vez el { $at }
devices-never = nunca conectado
devices-online = en línea
devices-paused = { " " }· ⏸ en pausa
devices-rotate = 🔑 Rotar { $name }
devices-remove = 🗑 Eliminar { $name }
devices-add = ➕ Añadir un dispositivo
devices-ask-name = Envíame un nombre para el nuevo dispositivo (hasta { $max } caracteres), p. ej. "VPS Londres".
devices-rotated-toast = Secreto rotado
devices-removed-toast = Dispositivo eliminado

## /affiliate and payouts
cmd-affiliate = tu enlace de referido, estadísticas y pagos
aff-title = <b>Afiliado { $code }</b> — { $tier }, { $rate } % de comisión
aff-share = Comparte tu enlace:
aff-referrals = Referidos: { $referrals } · de pago: { $conversions }
aff-pending = Pendiente (plazo de reembolso): { $amount }
aff-balances = Disponible: { $available } · solicitado: { $requested } · pagado: { $paid }
aff-pitch = Trae traders a signaldesk y gana una comisión por cada plan que compren durante 12 meses.
aff-join = 🤝 Hacerme afiliado
aff-request-payout = 💸 Solicitar el pago de { $amount }
aff-payout-minimum = Puedes solicitar pagos a partir de { $amount } disponibles.
aff-welcome = ¡Bienvenido a bordo!
aff-already = Ya eres afiliado: tu tarjeta está arriba.
aff-nothing-left = Ya se ha solicitado todo lo disponible.
aff-payout-requested-toast = Pago solicitado
aff-payout-requested = Pago { $id } de { $amount } solicitado. Un administrador lo liquidará pronto.
aff-payout-requested-held = Pago { $id } de { $amount } solicitado. Por ser tu primer pago, un administrador lo revisa antes de pagarlo; los siguientes no pasan por esta revisión.
cmd-payouts = pagos solicitados: completar o rechazar
payouts-none = No hay pagos pendientes.
payouts-item =
    <b>Pago { $id }</b>
    Afiliado { $code }: { $amount }
    Solicitado el { $at }
payouts-complete = ✅ Completar
payouts-reject = ❌ Rechazar
payouts-more = Hay más pendientes; liquida estos primero.
payouts-admins-only = Solo los administradores pueden liquidar pagos.
payouts-ask-reference = Envía la referencia del pago { $id } (id de la transferencia, id de PayPal…).
payouts-ask-reason = Envía el motivo para rechazar el pago { $id }; el afiliado lo verá.
payouts-completed = Pago { $id } completado.
payouts-rejected = Pago { $id } rechazado.
payouts-already-paid = Este pago ya está hecho: no hay nada que decidir.
payouts-already-rejected = Este pago ya está rechazado: no hay nada que decidir.
payouts-held = 🔎 Primer pago de este afiliado: apruébalo antes de pagar.
payouts-approve = 🔎 Aprobar
payouts-approved = Pago { $id } aprobado: ya se puede completar.

## Admin: /stats, /signal, /broadcast, /console
cmd-console = un enlace de acceso a la consola web
cmd-stats = usuarios, suscriptores, ingresos, dispositivos, señales
cmd-signal = EURUSD buy market sl=… tp=… ttl=… — publicar
cmd-broadcast = TEXTO — mensaje a todos los usuarios
stats-text =
    <b>signaldesk hoy</b>
    Usuarios: { $users }
    Suscriptores activos: { $subscribers }
    Ingresos, últimos 30 días: { $revenue }
    Dispositivos en línea: { $devices }
    Señales hoy (UTC): { $signals }
signal-usage =
    Uso: /signal EURUSD buy market sl=1.0800 tp=1.0950 ttl=300
    Opcional: entry=… vol=… tier=premium|vip|enterprise id=… note=texto libre (al final)
signal-invalid = Esa señal no es válida:
signal-published =
    Publicada <code>{ $id }</code>: { $instrument } { $side } { $type }, a { $recipients } destinatario(s).
    Gestiona la posición con los botones de abajo.
broadcast-usage = Uso: /broadcast tu mensaje para todos los usuarios
broadcast-queued = Difusión en cola para { $count } personas. Sale a un máximo de 25 mensajes por segundo.
console-link =
    Tu enlace de acceso a la consola web (de un solo uso, válido 10 minutos):
    { $url }

## /signals and signal messages
cmd-signals = señales recientes; aprobar o rechazar
signals-none = Todavía no hay señales.
signals-title = <b>Señales recientes</b>
signals-line = • { $head } — { $state }
signals-line-admin = • { $head } — { $status }; { $recipients } destinatarios: { $approved } aprobadas, { $rejected } rechazadas, { $pending } pendientes
signals-approved-toast = Aprobada
signals-rejected-toast = Rechazada
signal-entry-market = Entrada: a mercado
signal-entry = Entrada: { $price }
signal-sl-tp = SL: { $sl } · TP: { $tp }
signal-volume = Volumen: { $volume } lotes
signal-note = Nota: { $note }
signal-expires = Caduca: { $at }
signal-outcome-approved = ✅ Aprobada: enviada a tus dispositivos.
signal-outcome-auto = ✅ Aprobada automáticamente: enviada a tus dispositivos.
signal-outcome-rejected = ❌ Rechazada.
signal-outcome-expired = ⌛ Caducó antes de una decisión.
signal-outcome-cancelled = 🚫 Cancelada por el operador.
signal-outcome-closed = 🏁 El operador cerró esta posición antes de que decidieras.
signal-approve = ✅ Aprobar
signal-reject = ❌ Rechazar
signal-new = 📣 Nueva señal

## /region and /autoapprove
cmd-region = elige tu región (precios y moneda)
cmd-autoapprove = on|off — aprobar nuevas señales automáticamente
region-gb = 🇬🇧 Reino Unido (GBP)
region-us = 🇺🇸 Estados Unidos (USD)
region-eu = 🇪🇺 Europa (EUR)
region-asia = 🌏 Asia (SGD)
region-current = Tu región es { $region }.
region-none = Todavía no has elegido una región.
region-explain = Los precios se muestran en la moneda de tu región.
region-saved-toast = Región guardada
region-saved = Tu región ahora es { $region }. Mira los precios en /shop.
auto-turn-on = Activar
auto-turn-off = Desactivar
auto-now-on = La aprobación automática está <b>activada</b>: las nuevas señales van a tus dispositivos sin preguntarte.
auto-now-off = La aprobación automática está <b>desactivada</b>: te pediré que apruebes cada señal.
auto-is-on = La aprobación automática está activada. Usa /autoapprove on o /autoapprove off.
auto-is-off = La aprobación automática está desactivada. Usa /autoapprove on o /autoapprove off.

## Device settings (/devices → ⚙️)
ds-mode-fixed = Lotes fijos
ds-mode-risk = % de riesgo
ds-mode-multiplier = × señal
ds-size-fixed = { $v } lotes por operación
ds-size-risk = arriesgar el { $v }% del capital hasta el stop loss (las señales sin él se omiten)
ds-size-multiplier = { $v }× el volumen de la señal
ds-title = ⚙️ <b>{ $name }</b> — ajustes v{ $version }
ds-size = <b>Tamaño:</b> { $size }
ds-cap-none = <b>Límite de lotes:</b> ninguno
ds-cap = <b>Límite de lotes:</b> { $lots } lotes
ds-symbols-as-signal = como en la señal
ds-symbols = <b>Símbolos:</b> { $symbols }
ds-symbols-suffix = <b>Símbolos:</b> { $symbols }; los demás + <code>{ $suffix }</code>
ds-slippage = <b>Deslizamiento:</b> hasta { $points } puntos
ds-deviation-any = <b>Desviación de entrada:</b> cualquiera
ds-deviation = <b>Desviación de entrada:</b> como máximo un { $pct }% del precio de la señal
ds-trading-paused = <b>Operativa:</b> ⏸ en pausa: se rechazan las nuevas señales, las operaciones abiertas siguen recibiendo actualizaciones
ds-trading-active = <b>Operativa:</b> ▶️ activa
ds-applies = Tu Expert Advisor aplica los cambios en su siguiente consulta, en segundos.
ds-btn-no-cap = Sin límite
ds-btn-cap = límite { $v }
ds-btn-points = { $v } pts
ds-btn-any-entry = Cualquier entrada
ds-btn-symbols = 🔤 Símbolos y sufijo
ds-btn-resume = ▶️ Reanudar la operativa
ds-btn-pause = ⏸ Pausar la operativa
ds-btn-defaults = ↩️ Valores por defecto
ds-symbols-title = 🔤 <b>{ $name }</b> — símbolos
ds-symbols-explain =
    Cada bróker nombra los instrumentos a su manera (el oro es XAUUSD, GOLD o XAUUSD.m). Un símbolo
    asignado se usa tal cual; todos los demás llevan el sufijo.
ds-symbols-none = No hay símbolos asignados.
ds-suffix = Sufijo: <code>{ $suffix }</code>
ds-suffix-none = Sufijo: ninguno
ds-btn-map = ➕ Asignar un símbolo
ds-btn-no-suffix = Sin sufijo
ds-btn-back = ⬅️ Volver
ds-ask-fixed = Envía los lotes por operación, p. ej. 0.03 (como máximo { $max }).
ds-ask-risk = Envía el % del capital a arriesgar por operación, p. ej. 1.5 (como máximo { $max }).
ds-ask-multiplier = Envía el múltiplo del volumen de la señal, p. ej. 1.5 (como máximo { $max }).
ds-ask-cap = Envía el máximo de lotes que puede tener una operación, p. ej. 2 (como máximo { $max }).
ds-ask-map = Envía el símbolo de la señal y el de tu bróker, separados por un espacio, p. ej. "XAUUSD GOLD.m".
ds-ask-suffix = Envía el sufijo que tu bróker añade a los símbolos, p. ej. .m (hasta { $max } caracteres).
ds-device-removed = Ese dispositivo se eliminó; sus ajustes ya no se pueden cambiar.
ds-not-a-number = Eso no es un número.
ds-two-symbols = Envía dos símbolos separados por un espacio, p. ej. "XAUUSD GOLD.m".
ds-toast-mode = Tamaño: { $mode }
ds-toast-size = Tamaño guardado
ds-toast-cap = Límite de lotes guardado
ds-toast-slippage = Deslizamiento guardado
ds-toast-deviation = Desviación guardada
ds-toast-paused = En pausa: se rechazarán las nuevas señales
ds-toast-resumed = Operativa reanudada
ds-toast-suffix = Sufijo guardado
ds-toast-unmapped = { $symbol } ya no está asignado
ds-toast-defaults = Valores por defecto restablecidos
ds-reset-confirm =
    ¿Restablecer <b>{ $name }</b> a los valores por defecto?

    Tamaño { $lots } lotes, sin límite de lotes, sin símbolos asignados ni sufijo, deslizamiento { $points } puntos, cualquier entrada, operativa activa.
ds-reset-yes = ↩️ Sí, restablecer
ds-reset-keep = Mantener mis ajustes

## Trials and coupons
admins-only = Solo para administradores.
trial-started = 🎁 Tu prueba gratuita de <b>{ $tier }</b> está activa hasta el { $at }. Añade tu terminal MetaTrader con /devices.
coupon-ask = Envíame tu código de cupón.
coupon-usage =
    Uso: /coupon CÓDIGO 20% [max=100] [expires=2026-12-31] [tier=premium|vip|enterprise] [first]
    o: /coupon CÓDIGO 5.00GBP … para un descuento de importe fijo.
coupon-bad-code = El código debe tener de 3 a 32 caracteres entre A-Z, 0-9, _ y -.
coupon-bad-discount = Indica el descuento de 1% a 100%, o un importe como 5.00GBP.
coupon-bad-option = No entiendo "{ $option }".
coupon-created = Cupón <code>{ $code }</code> creado.
coupons-none = Todavía no hay cupones.
coupons-line = • <code>{ $code }</code> — { $off } de descuento, { $used } usados
coupons-until = , hasta el { $at }
coupons-first-only = , solo el primer pedido
coupon-deleted = Cupón { $code } eliminado
cmd-coupon = CÓDIGO 20% [max=…] [expires=…] — crear un cupón
cmd-coupons = cupones y sus usos

## Positions (/close, /modify) and their notices
cmd-close = [señal o instrumento] — cerrar una posición
cmd-modify = <señal> sl=… tp=… — mover el stop o el objetivo
modify-usage = Uso: /modify <id de señal o instrumento> sl=1.0850 tp=1.0990 (sl=be mueve el stop a la entrada)
pos-btn-breakeven = 🛡 Breakeven
pos-btn-half = ✂️ Cerrar 50%
pos-btn-close = 🏁 Cerrar
pos-btn-confirm = ✅ Confirmar
pos-btn-keep = ✖️ Dejar como está
pos-already-closed = Esa posición ya está cerrada.
pos-no-fill = Esta señal a mercado aún no tiene ejecución, así que no hay precio de entrada al que mover el stop.
pos-too-many-digits = Esos precios tienen demasiados dígitos; acórtalos.
pos-confirm =
    { $head } <code>{ $id }</code>
    ¿Aplicar: { $phrase }, en todos los dispositivos que la tienen?
pos-no-entry-yet = Todavía no hay precio de entrada al que mover el stop.
pos-done = Hecho: actualización n.º { $seq } de { $head }, { $phrase }. Va a todos los dispositivos que tienen la posición.
pos-no-match = Ninguna posición abierta coincide con “{ $query }”.
pos-none-open = No hay posiciones abiertas.
pos-which = ¿Qué posición quieres cerrar?
pos-nothing-changed = No se ha cambiado nada.
pips = { $pips } pips
upd-closed = posición cerrada
upd-partial = { $percent } de la posición cerrado
upd-sl = SL movido a { $price }
upd-sl-breakeven = SL movido a { $price } (breakeven)
upd-tp = TP movido a { $price }
upd-text = { $icon } { $head }: { $phrase } en { $devices ->
    [one] 1 dispositivo
   *[other] { $devices } dispositivos
  }.
res-code = { " " }(código { $code })
res-failed = ⚠️ { $device } no pudo aplicar "{ $phrase }" a { $head }
res-modified = ✅ { $head }: { $phrase } en { $device }.
res-closed = cerrada
res-partial = { $percent } cerrado
res-done = ✅ { $head } { $what } en { $device }.
res-done-at = ✅ { $head } { $what } en { $device } a { $price }{ $pips }.

## /record
cmd-record = [días] — el historial verificado
record-title = <b>Historial, últimos { $days } días</b>
record-empty = Todavía no hay señales cerradas con resultados reportados.
record-signals = Señales: { $signals } ({ $wins } ganadas, { $losses } perdidas)
record-signals-even = Señales: { $signals } ({ $wins } ganadas, { $losses } perdidas, { $even } en tablas)
record-win-rate = Tasa de acierto: { $rate }%
record-total = Total: { $pips }
record-average = Media: { $average } · drawdown máximo { $drawdown }R
record-source = Las cifras salen solo de las ejecuciones y cierres que reportaron los terminales.
record-usage = Uso: /record [días], de 1 a 365 (30 por defecto).

## Notifications
exec-filled = ✅ { $device } ejecutó { $what }: { $volume } lotes a { $price } (ticket { $ticket }).
exec-failed = ⚠️ { $device } no pudo ejecutar { $what }: { $error } (código { $code }).
device-offline = ⚠️ Tu dispositivo <b>{ $name }</b> se desconectó mientras { $pending } señal(es) aprobada(s) lo esperan. Comprueba que MetaTrader y el EA están funcionando.
paid-title =
    💳 <b>Pago recibido</b>, ¡gracias!
    Pedido { $id }: { $plan }.
paid-total = Total: { $total }.
paid-starts-later = Empieza el { $starts } (después de tu periodo actual) y dura hasta el { $until }.
paid-active-until = Tu plan está activo hasta el { $until }.
refunded-text = ↩️ El pedido { $id } se ha reembolsado. Se ha retirado el periodo del plan que pagaba.

## /language
cmd-language = elegir el idioma del bot
language-choose = El bot te habla en { $language }. Elige otro idioma:
language-saved = Hecho: el bot ahora te habla en { $language }. Mira /help para ver los comandos.

## Manners: private chats, /cancel, /support, /terms, blocked users
private-only = Eso es personal: te respondo en nuestro chat privado.
private-open = Abrir el chat privado
cmd-cancel = dejar de esperar lo que te he pedido
cmd-support = cómo conseguir ayuda
cmd-terms = los términos del servicio
cancel-done = Cancelado. Ya no espero ninguna respuesta. Mira /help para ver qué hacer ahora.
cancel-nothing = No hay nada que cancelar: no estaba esperando ninguna respuesta.
support-text = ¿Necesitas ayuda con un pago, un plan o un dispositivo? Escribe al operador de este servicio; incluye el id de tu pedido (de /status) o el nombre del dispositivo. El operador puede reembolsar los pagos hechos con Telegram Stars.
terms-text = Las señales son información, no asesoramiento financiero; operar conlleva riesgo y los resultados pasados no garantizan los futuros. Un plan da acceso a las señales y a su envío a tus dispositivos durante el periodo comprado; el operador puede reembolsar los pagos. Pide los términos completos en /support.

## Auto-renewal (card subscriptions): /status section, cancel and resume, card page, renewal notices
sub-title = <b>Renovación automática</b>
sub-line-active = • { $plan }: { $price } cada { $months ->
    [one] mes
   *[other] { $months } meses
  }, próximo cobro el { $end }
sub-line-cancelled = • { $plan }: renovación automática desactivada, el plan termina el { $end }
sub-line-past-due = • { $plan }: ⚠️ el último pago falló; mantienes el acceso hasta el { $end }
sub-btn-cancel = Cancelar renovación ({ $plan })
sub-btn-resume = Reanudar renovación ({ $plan })
sub-btn-resume-short = Reanudar renovación
sub-btn-card = 💳 Actualizar tarjeta
sub-btn-card-open = Abrir la página de la tarjeta
sub-btn-confirm-cancel = Sí, detener la renovación
sub-btn-keep = No, mantenerla
sub-confirm-cancel =
    ¿Detener la renovación automática de <b>{ $plan }</b> ({ $price })?
    No se te volverá a cobrar. Tu plan sigue activo hasta el { $end } y después termina. Puedes reanudarla antes.
sub-cancelled-toast = Renovación detenida
sub-cancelled = La renovación automática de <b>{ $plan }</b> está desactivada. Tu plan sigue activo hasta el { $end } y no se te volverá a cobrar.
sub-kept = Sin cambios: tu plan se sigue renovando automáticamente.
sub-already-off = La renovación automática ya está desactivada; el plan termina el { $end }.
sub-resumed-toast = Renovación reactivada
sub-resumed = La renovación automática de <b>{ $plan }</b> vuelve a estar activa: { $price } el { $end } y cada periodo después.
sub-card-text = Cambia o corrige tu tarjeta en la página segura de Stripe (el enlace dura poco; pulsa 💳 Actualizar tarjeta de nuevo para obtener otro).
sub-past-due = ⚠️ No pudimos renovar tu plan <b>{ $plan }</b>: el pago con tarjeta falló. Mantienes el acceso hasta el { $until } mientras se reintenta el cobro. Actualiza tu tarjeta para conservar tu plan.
renewed-title =
    🔁 <b>Tu plan se renovó</b>: { $plan }.
    Pedido { $id }.
paid-renews = Se renueva automáticamente cada periodo; gestiónalo en /status.
refusal-subscriptions-not-found = Esa suscripción no existe (o no es tuya).
refusal-subscriptions-ended = Esa suscripción ha terminado. Mira /shop para un plan nuevo.
refusal-subscriptions-no-billing-account = No tienes ninguna suscripción con tarjeta que gestionar.
refusal-subscriptions-stars-monthly-only = Las Telegram Stars solo renuevan planes mensuales: paga este plan una vez con Stars o renuévalo con tarjeta.

## Renewal reminders and access ended (plans that do not renew by themselves)
renewal-reminder = ⏳ Tu plan { $plan } termina en { $days ->
    [one] { $days } día
   *[other] { $days } días
  }, el { $at }. Renueva ahora para no perder tus señales ni tus canales.
renewal-ended = 🔒 Tu plan { $plan } terminó el { $at }. Las señales a tus dispositivos y los canales exclusivos se han detenido. Renueva para recuperarlos.
renewal-renew = Renovar
renewal-renew-months = 🔄 Renovar por { $months ->
    [one] { $months } mes
   *[other] { $months } meses
  }
renewal-other-lengths = Otras duraciones

## Stars payments no order could take (held for a refund)
stars-why-cancelled = fue cancelado
stars-why-expired = había caducado
stars-why-paid = ya estaba pagado
stars-why-refunded = fue reembolsado
stars-why-mismatch = el importe no coincide con el precio del pedido
stars-why-unknown = no existe ese pedido
stars-held-alerted = Recibimos tus ⭐ { $amount } para el pedido { $order }, pero el pedido no pudo aceptarlas: { $why }. El operador ha sido avisado y puede devolvértelas. Id del pago: <code>{ $charge }</code>
stars-held-support = Recibimos tus ⭐ { $amount } para el pedido { $order }, pero el pedido no pudo aceptarlas: { $why }. Se guardan para devolvértelas: escribe al operador (ver /support) con este id de pago: <code>{ $charge }</code>
stars-held-refunded = Tus ⭐ { $amount } del pedido { $order } ya fueron devueltas.
stars-held-admin =
    ⚠️ <b>Pago en Stars no aplicado</b>
    { $payer } pagó ⭐ { $amount } por el pedido { $order }: { $why }.
    Id del cargo: <code>{ $charge }</code>
    Las estrellas quedan retenidas hasta que las devuelvas.
stars-refund-button = ↩️ Devolver ⭐ { $amount }
stars-refund-admins-only = Solo los administradores pueden devolver pagos.
stars-refund-unknown = No existe ese pago retenido.
stars-refund-in-progress = Esta devolución ya se está haciendo.
stars-refund-failed = Telegram no lo devolvió: { $error }. Inténtalo de nuevo.
stars-refund-already = Ya devuelto.
stars-refund-done-toast = Devuelto.
stars-refund-done = ↩️ Devueltas ⭐ { $amount } (pedido { $order }) el { $at }.
stars-refunded-buyer = ↩️ Tus ⭐ { $amount } del pedido { $order } fueron devueltas.

## Affiliate news: referrals, commissions, payouts
aff-news-referred = 🤝 <b>Nuevo referido</b>: alguien inició el bot con tu enlace. Ganas comisión por sus pagos durante los próximos 12 meses.
aff-news-earned = 💰 <b>Comisión ganada</b>: { $amount } por el pago de un referido. Estará disponible el { $at }, tras el plazo de reembolso de { $days } días.
aff-news-available = ✅ Ya tienes { $amount } de comisión disponible. Solicita un pago en /affiliate.
aff-news-payout-paid = 💸 <b>Pago completado</b>: te hemos pagado { $amount }. Referencia: { $reference }
aff-news-payout-rejected = ❌ <b>Solicitud de pago rechazada</b> ({ $amount }): { $reason }. Puedes volver a solicitar el importe en /affiliate.
## Channels and groups (/channels, join requests, the admins' cards and alerts, signal posts)
cmd-channels = tus canales y grupos, con enlaces para unirte
chan-title = <b>Canales y grupos</b>
chan-status-title = <b>Canales</b>
chan-paid-title = 🔑 <b>Tus canales</b>
chan-none-open = Todavía no hay canales abiertos.
chan-see-plans = Ver planes
chan-line-member = • <b>{ $title }</b>: eres miembro
chan-line-invited = • <b>{ $title }</b>: pulsa el botón para pedir unirte; te apruebo al instante
chan-line-none = • <b>{ $title }</b>: requiere { $plan } o superior
chan-join-button = Unirme a { $title }
chan-join-approved = ✅ Ya estás en <b>{ $title }</b>. ¡Bienvenido!
chan-join-declined = <b>{ $title }</b> es para suscriptores de { $plan } o superior. Consigue un plan y te dejaré entrar.
chan-link-how-to = Para vincular un canal o grupo: añádeme allí como administrador que pueda invitar y expulsar usuarios (y publicar, en un canal), o reenvíame cualquier mensaje del canal. Después te pido el plan mínimo.
chan-already-linked = <b>{ $title }</b> ya está vinculado. Mira /channels.
chan-cannot-manage-yet = Todavía no puedo gestionar <b>{ $title }</b>: hazme administrador con { $missing }.
chan-cannot-manage = No puedo gestionar ese chat: { $reason }
chan-link-ask = ¿Vincular <b>{ $title }</b>? Elige el plan mínimo que da acceso:
chan-card =
    📢 <b>{ $title }</b> ({ $type ->
        [channel] canal
        [supergroup] supergrupo
       *[group] grupo
    })
    Plan mínimo: { $plan }
    Publicación de señales: { $posts ->
        [on] activada
       *[off] desactivada
    }, en { $language }
    Miembros admitidos por el bot: { $members }
chan-state-active = Estado: activo
chan-state-inactive = Estado: ⚠️ inactivo: { $reason }
chan-state-no-rights = el bot no tiene permisos de administrador
chan-btn-posts-on = Activar publicaciones
chan-btn-posts-off = Desactivar publicaciones
chan-btn-tier = Cambiar plan
chan-btn-language = Idioma de las publicaciones
chan-btn-unlink = Desvincular
chan-btn-back = ‹ Volver
chan-linked-toast = Vinculado
chan-gone = Ese chat ya no está vinculado.
chan-posts-on-toast = Publicaciones activadas
chan-posts-off-toast = Publicaciones desactivadas
chan-min-plan-toast = Plan mínimo: { $plan }
chan-language-toast = Publicaciones en { $language }
chan-unlink-ask = ¿Desvincular <b>{ $title }</b>? Dejo de admitir, expulsar y publicar allí, y revoco los enlaces personales para unirse que creé allí. Los miembros actuales se quedan: no se expulsa a nadie, ni ahora ni después.
chan-unlink-yes = Sí, desvincular
chan-unlink-keep = Mantener
chan-unlinked-toast = Desvinculado
chan-unlinked = <b>{ $title }</b> ya no está vinculado. Enlaces revocados: { $revoked }. Sus miembros se quedan; sácame del chat si también debo irme.
chan-unlinked-links-left = ⚠️ Enlaces que no pude revocar: { $left }. Revócalos en los ajustes del chat (Enlaces de invitación).
chan-rights-lost = ⚠️ He perdido mis permisos de administrador en <b>{ $title }</b> (faltan: { $missing }). No admito ni expulso a nadie allí hasta que vuelvas a hacerme administrador.
chan-rights-back = ✅ He recuperado mis permisos de administrador en <b>{ $title }</b>: el canal vuelve a estar activo.
post-market = a mercado
post-market-at = a mercado ({ $price })
post-entry = Entrada: { $entry }
post-sl = SL: { $price }
post-tp = TP: { $price }
post-note = Nota: { $note }
post-closed = 🏁 Posición cerrada
post-partial = ✂️ { $percent }% de la posición cerrado
post-sl-moved = SL movido a { $price }
post-sl-breakeven = SL movido a { $price } (punto de equilibrio)
post-tp-moved = TP movido a { $price }
post-outcome = 🏁 <b>Cerrada</b> { $at } UTC

## Previews and confirmations (/signal, /broadcast, removing a device, a new secret)
draft-signal-preview = 👁 <b>Vista previa</b>: ¿publicar esta señal para los suscriptores de { $tier } o superior?
draft-broadcast-preview = 👁 <b>Vista previa</b>: ¿enviar este mensaje a { $count ->
        [one] 1 persona
       *[other] { $count } personas
    }?
draft-send = ✅ Enviar
draft-cancel = ✖️ Cancelar
draft-sent-toast = Enviado
draft-cancelled = ✖️ Cancelado: no se ha enviado nada.
draft-settled = Ya está hecho.
draft-expired = Esta vista previa ha caducado: no se ha enviado nada. Envía el comando de nuevo.
devices-rotate-ask = ¿Dar a <b>{ $name }</b> un secreto nuevo? El actual deja de funcionar al instante: el EA seguirá desconectado hasta que introduzcas el nuevo.
devices-rotate-yes = 🔑 Sí, secreto nuevo
devices-remove-ask = ¿Eliminar <b>{ $name }</b>? Su secreto deja de funcionar al instante y no recibirá más señales.
devices-remove-yes = 🗑 Sí, eliminar
devices-no = ✖️ No, mantenerlo
devices-already-done = Ya está hecho.
devices-rotated-below = 🔑 <b>{ $name }</b> tiene un secreto nuevo: está en el siguiente mensaje.
devices-removed-named = 🗑 <b>{ $name }</b> se ha eliminado; su secreto ya no funciona.
