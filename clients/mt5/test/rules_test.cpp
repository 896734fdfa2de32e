// The pure rules: lot sizing and rounding, symbol mapping, entry planning (expiry, deviation,
// pending or market), settings clamping, backoff, times, JSON writing, closed trades, panel.
#include "check.h"
#include "mql5_shim.h"
#include "../SignalDesk/Backoff.mqh"
#include "../SignalDesk/Engine.mqh"
#include "../SignalDesk/Panel.mqh"

static void spec(SdSymbolSpec &s, const string &name, double bid, double ask, int digits, double tickValue,
                 double tickSize, double vmin, double vmax, double vstep) {
  s.name = name;
  s.bid = bid;
  s.ask = ask;
  s.point = tickSize;
  s.digits = digits;
  s.tickValue = tickValue;
  s.tickSize = tickSize;
  s.volumeMin = vmin;
  s.volumeMax = vmax;
  s.volumeStep = vstep;
}

static void sizing(const string &mode, double value, SdSettings &s) {
  SdSettingsDefaults(s);
  s.sizingMode = mode;
  s.sizingValue = value;
}

static void lotSizing() {
  SdSymbolSpec eurusd, xau, usdjpy, index;
  spec(eurusd, "EURUSD", 1.085, 1.0851, 5, 1.0, 0.00001, 0.01, 100, 0.01);
  spec(xau, "XAUUSD", 2350.4, 2350.6, 2, 1.0, 0.01, 0.01, 50, 0.01);
  spec(usdjpy, "USDJPY", 150.0, 150.01, 3, 0.6667, 0.001, 0.01, 100, 0.01);
  spec(index, "US500", 5000, 5000.5, 1, 0.1, 0.1, 0.1, 10, 0.1);
  SdSettings s;
  double lots = 0;
  string why;

  sizing("fixed", 0.1, s);
  check_true("fixed 0.1 lots", SdComputeLots(s, 0, 1.085, 0, 10000, eurusd, lots, why));
  check_num("fixed 0.1 lots is 0.1", lots, 0.1);
  sizing("fixed", 0.017, s);
  SdComputeLots(s, 0, 1.085, 0, 10000, eurusd, lots, why);
  check_num("fixed 0.017 rounds down to the 0.01 step", lots, 0.01);
  sizing("fixed", 0.3, s);
  SdComputeLots(s, 0, 5000, 0, 10000, index, lots, why);
  check_num("0.3 with a 0.1 step stays 0.3 (0.3/0.1 is 2.9999999999999996)", lots, 0.3);
  sizing("fixed", 5, s);
  s.hasMaxLots = true;
  s.maxLots = 2;
  SdComputeLots(s, 0, 1.085, 0, 10000, eurusd, lots, why);
  check_num("the lot cap applies", lots, 2);
  sizing("fixed", 80, s);
  SdComputeLots(s, 0, 2350, 0, 10000, xau, lots, why);
  check_num("the symbol's maximum applies", lots, 50);
  sizing("fixed", 0.05, s);
  check_true("below the symbol's minimum is refused", !SdComputeLots(s, 0, 5000, 0, 10000, index, lots, why));
  check_true("the refusal names the minimum", StringFind(why, "below the symbol's minimum 0.1") >= 0);
  sizing("fixed", 1, s);
  s.hasMaxLots = true;
  s.maxLots = 0.05;
  check_true("a cap below the symbol's minimum is refused", !SdComputeLots(s, 0, 5000, 0, 10000, index, lots, why));

  sizing("risk_percent", 1, s);
  check_true("risk 1% EURUSD", SdComputeLots(s, 0, 1.085, 1.080, 10000, eurusd, lots, why));
  check_num("risk 1% of 10000 over 500 points of EURUSD is 0.2 lots", lots, 0.2);
  SdComputeLots(s, 0, 2350.5, 2340.5, 10000, xau, lots, why);
  check_num("risk 1% of 10000 over 10.00 of gold is 0.1 lots", lots, 0.1);
  SdComputeLots(s, 0, 150.0, 149.5, 10000, usdjpy, lots, why);
  check_num("risk 1% with a JPY tick value rounds 0.29998 down to 0.29", lots, 0.29);
  sizing("risk_percent", 2, s);
  SdComputeLots(s, 0, 1.085, 1.0845, 1000000, eurusd, lots, why);
  check_num("risk sizing is capped by the symbol's maximum", lots, 100);
  check_true("risk sizing without a stop loss is refused", !SdComputeLots(s, 0, 1.085, 0, 10000, eurusd, lots, why));
  check_true("the refusal says why", StringFind(why, "needs a stop loss") >= 0);
  check_true("risk sizing with no equity is refused", !SdComputeLots(s, 0, 1.085, 1.08, 0, eurusd, lots, why));

  sizing("multiplier", 2, s);
  SdComputeLots(s, 0.3, 1.085, 0, 10000, eurusd, lots, why);
  check_num("multiplier 2 x 0.3 signal lots", lots, 0.6);
  sizing("multiplier", 3, s);
  SdComputeLots(s, 0, 1.085, 0, 10000, eurusd, lots, why);
  check_num("multiplier without a signal volume multiplies the symbol's minimum", lots, 0.03);
  sizing("multiplier", 0.5, s);
  check_true("multiplier below the minimum is refused", !SdComputeLots(s, 0, 1.085, 0, 10000, eurusd, lots, why));
  check_int("step digits 0.01", SdStepDigits(0.01), 2);
  check_int("step digits 1", SdStepDigits(1), 0);
  check_int("step digits 0.001", SdStepDigits(0.001), 3);
}

static void symbolMapping() {
  SdSettings s;
  SdSettingsDefaults(s);
  check_str("no map, no suffix", SdMapSymbol(s, "EURUSD"), "EURUSD");
  s.symbolSuffix = ".m";
  check_str("the suffix is appended", SdMapSymbol(s, "EURUSD"), "EURUSD.m");
  ArrayResize(s.mapFrom, 2);
  ArrayResize(s.mapTo, 2);
  s.mapFrom[0] = "XAUUSD";
  s.mapTo[0] = "GOLD";
  s.mapFrom[1] = "US500";
  s.mapTo[1] = "SPX500.cash";
  check_str("a mapped symbol is used as written", SdMapSymbol(s, "XAUUSD"), "GOLD");
  check_str("a second mapping", SdMapSymbol(s, "US500"), "SPX500.cash");
  check_str("unmapped symbols still get the suffix", SdMapSymbol(s, "GBPUSD"), "GBPUSD.m");
}

static void signal(SdSignal &sig, const string &side, const string &type, double entry, long expiresAt) {
  sig.signalId = "sig_1";
  sig.instrument = "EURUSD";
  sig.sideText = side;
  sig.orderTypeText = type;
  sig.side = SdSideOf(side);
  sig.orderType = SdOrderTypeOf(type);
  sig.entryPrice = entry;
  sig.stopLoss = 0;
  sig.takeProfit = 0;
  sig.volume = 0;
  sig.expiresAt = expiresAt;
}

static void entryPlanning() {
  SdSymbolSpec eurusd;
  spec(eurusd, "EURUSD", 1.0850, 1.0860, 5, 1.0, 0.00001, 0.01, 100, 0.01);
  SdSettings s;
  SdSettingsDefaults(s);
  SdSignal sig;
  SdEntryPlan plan;
  long now = 1795255200;

  signal(sig, "buy", "market", 0, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_true("a market buy goes at market", plan.action == SD_PLAN_MARKET && plan.kind == SD_KIND_BUY);
  check_num("a market buy is sized at the ask", plan.price, 1.0860);
  signal(sig, "sell", "market", 0, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_true("a market sell goes at the bid", plan.kind == SD_KIND_SELL && plan.price == 1.0850);

  signal(sig, "buy", "market", 0, now);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_int("an entry at expiresAt is refused as expired", plan.code, SD_ERR_EXPIRED);
  check_true("the expiry refusal says when", StringFind(plan.message, "expired at 2026-11-21T10:00:00.000Z") >= 0);
  signal(sig, "buy", "market", 0, now + 1);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_int("one second before expiry is accepted", plan.action, SD_PLAN_MARKET);

  signal(sig, "buy", "market", 1.0850, now + 300);
  s.hasDeviation = true;
  s.maxEntryDeviationPct = 0.05;
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_int("a market price 0.092% from the entry is refused at 0.05%", plan.code, SD_ERR_DEVIATION);
  check_true("the deviation refusal gives both prices", StringFind(plan.message, "1.08600 is 0.092% from the entry 1.08500") >= 0);
  s.maxEntryDeviationPct = 0.1;
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_int("and accepted at 0.1%", plan.action, SD_PLAN_MARKET);
  s.hasDeviation = false;
  s.maxEntryDeviationPct = 0;
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_int("without a deviation limit any distance is accepted", plan.action, SD_PLAN_MARKET);

  signal(sig, "buy", "limit", 1.0800, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_true("a buy limit below the ask is a pending buy limit",
             plan.action == SD_PLAN_PENDING && plan.kind == SD_KIND_BUY_LIMIT && plan.price == 1.08);
  signal(sig, "buy", "limit", 1.0900, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_true("a buy limit above the ask fills at market", plan.action == SD_PLAN_MARKET && plan.kind == SD_KIND_BUY);
  signal(sig, "sell", "limit", 1.0900, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_true("a sell limit above the bid is pending", plan.kind == SD_KIND_SELL_LIMIT);
  signal(sig, "sell", "stop", 1.0800, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_true("a sell stop below the bid is pending", plan.action == SD_PLAN_PENDING && plan.kind == SD_KIND_SELL_STOP);
  signal(sig, "buy", "stop", 1.0900, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_true("a buy stop above the ask is pending", plan.kind == SD_KIND_BUY_STOP);
  signal(sig, "buy", "stop", 1.0840, now + 300);
  s.hasDeviation = true;
  s.maxEntryDeviationPct = 0.05;
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_int("a buy stop already passed by more than the deviation is refused", plan.code, SD_ERR_DEVIATION);
  s.maxEntryDeviationPct = 1;
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_true("a buy stop already passed within the deviation goes at market",
             plan.action == SD_PLAN_MARKET && plan.kind == SD_KIND_BUY);
  signal(sig, "buy", "limit", 0, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_int("a limit without an entry price is refused", plan.code, SD_ERR_BAD_SIGNAL);
  signal(sig, "hold", "market", 0, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_int("an unknown side is refused", plan.code, SD_ERR_BAD_SIGNAL);
  signal(sig, "buy", "stop_limit", 1.09, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_int("an unknown order type is refused", plan.code, SD_ERR_BAD_SIGNAL);
  eurusd.bid = 0;
  signal(sig, "buy", "market", 0, now + 300);
  SdPlanEntry(sig, eurusd, s, now, plan);
  check_int("no price (market closed) is refused", plan.code, SD_ERR_NO_PRICE);
}

static void settingsClamping() {
  SdSettings raw, clean;
  MqlArray<string> warnings;
  SdSettingsDefaults(raw);
  SdClampSettings(raw, clean, warnings);
  check_int("the defaults need no clamping", ArraySize(warnings), 0);
  check_str("default sizing", SdDescribeSettings(clean), "fixed 0.01 lots, slippage 30 pts");

  raw.sizingMode = "risk_percent";
  raw.sizingValue = 25;
  raw.hasMaxLots = true;
  raw.maxLots = 5000;
  raw.symbolSuffix = ".verylongsuffix";
  raw.maxSlippagePoints = -5;
  raw.hasDeviation = true;
  raw.maxEntryDeviationPct = 250;
  SdClampSettings(raw, clean, warnings);
  check_int("five values out of range, five warnings", ArraySize(warnings), 5);
  check_num("risk is clamped to 10%", clean.sizingValue, 10);
  check_num("the lot cap is clamped to 1000", clean.maxLots, 1000);
  check_str("the suffix is cut to 12 characters", clean.symbolSuffix, ".verylongsuf");
  check_num("negative slippage becomes 0", clean.maxSlippagePoints, 0);
  check_num("deviation is clamped to 100%", clean.maxEntryDeviationPct, 100);
  check_str("the risk warning reads well", warnings[0], "sizing.value 25 for risk_percent is above 10: using 10");

  SdSettingsDefaults(raw);
  raw.sizingMode = "martingale";
  SdClampSettings(raw, clean, warnings);
  check_true("an unknown sizing mode falls back to fixed 0.01",
             clean.sizingMode == "fixed" && clean.sizingValue == 0.01 && ArraySize(warnings) == 1);
  SdSettingsDefaults(raw);
  raw.sizingMode = "multiplier";
  raw.sizingValue = 0;
  raw.hasMaxLots = true;
  raw.maxLots = 0;
  raw.maxSlippagePoints = 12.6;
  SdClampSettings(raw, clean, warnings);
  check_true("a zero multiplier falls back to fixed 0.01", clean.sizingMode == "fixed" && clean.sizingValue == 0.01);
  check_num("a zero lot cap becomes the smallest cap", clean.maxLots, 0.01);
  check_num("fractional slippage is rounded", clean.maxSlippagePoints, 13);
  check_int("three warnings", ArraySize(warnings), 3);

  SdEngine engine;
  SdSettingsDefaults(raw);
  raw.version = 4;
  raw.sizingValue = 500;
  engine.ApplySettings(raw);
  engine.ApplySettings(raw);
  engine.ApplySettings(raw);
  MqlArray<string> notes;
  engine.TakeNotes(notes);
  check_int("an out-of-range value is reported once over three polls", ArraySize(notes), 1);
  check_str("the note names the version", notes[0], "settings v4: sizing.value 500 for fixed is above 100: using 100");
  check_num("and the clamped value is in force", engine.m_settings.sizingValue, 100);
  raw.sizingValue = 0.2;
  engine.ApplySettings(raw);
  raw.sizingValue = 500;
  engine.ApplySettings(raw);
  engine.TakeNotes(notes);
  check_int("it is reported again after it was fixed and broken again", ArraySize(notes), 1);
}

static void backoff() {
  SdBackoff b;
  SdBackoffReset(b);
  string seq;
  for (int i = 0; i < 9; i++) seq += (i ? "," : "") + IntegerToString(SdRetryDelay(b, -1, -1, true));
  check_str("backoff after timeouts: 1 s doubling to 60 s", seq, "1,2,4,8,16,32,60,60,60");
  check_int("a 200 poll resets it", SdRetryDelay(b, 200, -1, true), 0);
  check_int("the next failure starts at 1 s again", SdRetryDelay(b, 503, -1, true), 1);
  SdBackoffReset(b);
  check_int("a 401 waits at least 60 s", SdRetryDelay(b, 401, -1, true), 60);
  SdBackoffReset(b);
  check_int("a 429 waits Retry-After", SdRetryDelay(b, 429, 17, true), 17);
  check_int("a 404 on the poll (wrong URL) backs off", SdRetryDelay(b, 404, -1, true), 2);
  SdBackoffReset(b);
  check_int("a 404 on a report is a final answer, no backoff", SdRetryDelay(b, 404, -1, false), 0);
  check_true("a 409 on a report is final", !SdIsTransportFailure(409, false));
  check_true("a 500 on a report is transient", SdIsTransportFailure(500, false));
  check_true("jitter is at most 20%", SdJitterMs(60, 32767) <= 12000 && SdJitterMs(60, 0) == 0);
  check_int("Retry-After is read from the headers", SdHeaderInt("Content-Type: x\r\nretry-after: 42\r\n", "Retry-After"), 42);
  check_int("a header that is absent reads -1", SdHeaderInt("X-Retry-After: 5\r\n", "Retry-After"), -1);
  check_str("a header value", SdHeaderValue("Date: Sat, 21 Nov 2026 10:00:00 GMT\r\nX: y\r\n", "date"),
            "Sat, 21 Nov 2026 10:00:00 GMT");
  check_int("a date is not a number", SdHeaderInt("Retry-After: Sat, 21 Nov 2026\r\n", "Retry-After"), -1);
}

static void times() {
  check_str("format the pinned vector's time", SdFormatIso(1795255200), "2026-11-21T10:00:00.000Z");
  check_str("format the epoch", SdFormatIso(0), "1970-01-01T00:00:00.000Z");
  check_str("format a leap day with millis", SdFormatIso(951782400 + 3661, 7), "2000-02-29T01:01:01.007Z");
  long t = 0;
  check_true("parse the server's format", SdParseIso("2026-11-21T10:00:00.000Z", t));
  check_int("parsed seconds", t, 1795255200);
  check_true("parse an offset", SdParseIso("2026-11-21T12:30:00+02:30", t));
  check_int("offsets are applied", t, 1795255200);
  check_true("parse without a fraction", SdParseIso("2026-11-21T10:00:05Z", t) && t == 1795255205);
  check_true("a date alone is refused", !SdParseIso("2026-11-21", t));
  check_true("garbage is refused", !SdParseIso("yesterday at noon, roughly", t));
  check_true("a month 13 is refused", !SdParseIso("2026-13-21T10:00:00Z", t));
  check_true("parse an HTTP Date header", SdParseHttpDate("Sat, 21 Nov 2026 10:00:00 GMT", t) && t == 1795255200);
  check_true("parse an HTTP date in March", SdParseHttpDate("Sun, 01 Mar 2026 00:00:01 GMT", t) && t == 1772323201);
  check_true("a date in another zone is refused", !SdParseHttpDate("Sat, 21 Nov 2026 10:00:00 CET", t));
  check_true("a bad month is refused", !SdParseHttpDate("Sat, 21 Nox 2026 10:00:00 GMT", t));
  check_int("zone offset rounds to the quarter hour", SdRoundZoneOffset(7199), 7200);
  check_int("negative zone offsets round too", SdRoundZoneOffset(-18001), -18000);
}

static void jsonWriting() {
  check_str("quote escapes", SdJsonQuote("a\"b\\c\nd\te\x01"), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  check_str("quote keeps UTF-8", SdJsonQuote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  check_str("price", SdJsonNumber(1.08542), "1.08542");
  check_str("volume", SdJsonNumber(0.1), "0.1");
  check_str("integer", SdJsonNumber(250), "250");
  check_str("negative zero", SdJsonNumber(-0.0), "0");
  check_str("rounded decimals", SdJsonNumber(2.0 / 3.0, 4), "0.6667");
  check_str("fill body", SdFillBody("sig_1", 1.08542, 0.1, "123456789", 0),
            "{\"signalId\":\"sig_1\",\"price\":1.08542,\"volume\":0.1,\"brokerTicket\":\"123456789\"}");
  check_str("fill body with a time", SdFillBody("s", 2, 1, "7", 1795255200),
            "{\"signalId\":\"s\",\"price\":2,\"volume\":1,\"brokerTicket\":\"7\",\"filledAt\":\"2026-11-21T10:00:00.000Z\"}");
  check_int("error messages are cut to 500 characters",
            StringLen(SdErrorBody("s", 1, string(700, 'x'))), StringLen(SdErrorBody("s", 1, string(500, 'x'))));
  check_str("applied update result", SdUpdateResultBody("upd_1", true, 0, "", 0.05, 1.0871),
            "{\"updateId\":\"upd_1\",\"status\":\"applied\",\"closedVolume\":0.05,\"closePrice\":1.0871}");
  check_str("failed update result", SdUpdateResultBody("upd_2", false, 10016, "invalid stops", 0, 0),
            "{\"updateId\":\"upd_2\",\"status\":\"failed\",\"errorCode\":10016,\"errorMessage\":\"invalid stops\"}");
  check_str("hello body", SdHelloBody("5012345", "Broker-Live", "Broker Ltd", "USD", 10000.5, 500, "SignalDesk.mq5", "1.0.0"),
            "{\"account\":{\"login\":\"5012345\",\"server\":\"Broker-Live\",\"company\":\"Broker Ltd\",\"currency\":\"USD\","
            "\"balance\":10000.5,\"leverage\":500},\"client\":{\"name\":\"SignalDesk.mq5\",\"version\":\"1.0.0\"}}");
}

static void deal(MqlArray<SdDeal> &deals, long ticket, long position, int entry, int side, double volume, double price,
                 double money, long time, const string &symbol) {
  int n = ArraySize(deals);
  ArrayResize(deals, n + 1);
  deals[n].ticket = ticket;
  deals[n].positionId = position;
  deals[n].entry = entry;
  deals[n].side = side;
  deals[n].volume = volume;
  deals[n].price = price;
  deals[n].money = money;
  deals[n].time = time;
  deals[n].symbol = symbol;
}

static void closedTrades() {
  MqlArray<SdDeal> deals;
  MqlArray<SdClosedTrade> trades;
  long t0 = 1795255200;
  // Position 100: buy 0.2, half closed, then the rest (given out of order).
  deal(deals, 3, 100, SD_DEAL_OUT, SD_SIDE_SELL, 0.1, 1.0900, 40.0, t0 + 120, "EURUSD");
  deal(deals, 1, 100, SD_DEAL_IN, SD_SIDE_BUY, 0.2, 1.0850, -1.4, t0, "EURUSD");
  deal(deals, 2, 100, SD_DEAL_OUT, SD_SIDE_SELL, 0.1, 1.0870, 20.0, t0 + 60, "EURUSD");
  // Position 200: still open.
  deal(deals, 4, 200, SD_DEAL_IN, SD_SIDE_SELL, 1.0, 2350.0, 0, t0, "XAUUSD");
  // Position 300: its opening is outside the history we have.
  deal(deals, 5, 300, SD_DEAL_OUT, SD_SIDE_BUY, 1.0, 150.0, 10.0, t0, "USDJPY");
  // Position 400 (netting): buy 1, reversed by selling 3, then closed.
  deal(deals, 6, 400, SD_DEAL_IN, SD_SIDE_BUY, 1.0, 100.0, 0, t0, "US500");
  deal(deals, 7, 400, SD_DEAL_INOUT, SD_SIDE_SELL, 3.0, 110.0, 10.0, t0 + 10, "US500");
  deal(deals, 8, 400, SD_DEAL_OUT, SD_SIDE_BUY, 2.0, 105.0, 10.0, t0 + 20, "US500");
  SdBuildClosedTrades(deals, trades);
  check_int("three closed trades (one open, one without its opening)", ArraySize(trades), 3);
  check_str("a position is one trade", trades[0].ticket, "100");
  check_num("volume is what was opened", trades[0].volume, 0.2);
  check_num("close price is volume-weighted", trades[0].closePrice, 1.0885);
  check_num("profit includes the commission", trades[0].profit, 58.6);
  check_int("opened at the first deal", trades[0].openedAt, t0);
  check_int("closed at the last deal", trades[0].closedAt, t0 + 120);
  check_str("a reversal ends the first trade", trades[1].ticket, "400");
  check_true("the first part is the buy", trades[1].side == SD_SIDE_BUY && trades[1].volume == 1.0);
  check_str("and starts the next", trades[2].ticket, "400-1");
  check_true("the second part is a 2-lot sell", trades[2].side == SD_SIDE_SELL && trades[2].volume == 2.0 &&
                                                   trades[2].openPrice == 110.0 && trades[2].closePrice == 105.0);
  check_str("trade body", SdTradeBody(trades[0], "EURUSD", "USD", "sig_9"),
            "{\"ticket\":\"100\",\"instrument\":\"EURUSD\",\"side\":\"buy\",\"volume\":0.2,\"openPrice\":1.085,"
            "\"closePrice\":1.0885,\"profitMinor\":5860,\"currency\":\"USD\",\"openedAt\":\"2026-11-21T10:00:00.000Z\","
            "\"closedAt\":\"2026-11-21T10:02:00.000Z\",\"signalId\":\"sig_9\"}");
  check_true("a manual trade has a null signalId", StringFind(SdTradeBody(trades[1], "US500", "USD", ""), "\"signalId\":null") > 0);
  check_int("yen have no minor unit", SdProfitMinor(-1234.4, "JPY"), -1234);
  check_int("dinars have three", SdProfitMinor(1.2345, "KWD"), 1235);
}

static void panel() {
  SdPanelState p;
  p.configured = true;
  p.lastStatus = 200;
  p.lastError = 0;
  p.retryIn = 0;
  p.url = "https://signals.example.com";
  p.now = 1795255230;
  p.lastPollAt = 1795255200;
  p.openPositions = 2;
  p.pendingOrders = 1;
  p.paused = false;
  p.tradeAllowed = true;
  p.settingsText = "fixed 0.01 lots, slippage 30 pts";
  p.settingsVersion = 3;
  p.lastEvent = "";
  MqlArray<string> lines;
  SdPanelLines(p, lines);
  check_str("panel connected", lines[0], "SignalDesk: connected");
  check_str("panel last poll", lines[1], "Last poll: 10:00:00 UTC (30 s ago)");
  check_str("panel positions", lines[2], "Open signal positions: 2, pending orders: 1");
  check_str("panel trading", lines[3], "Trading: active");
  p.paused = true;
  p.lastStatus = -1;
  p.lastError = 4014;
  SdPanelLines(p, lines);
  check_str("panel WebRequest not allowed", lines[0],
            "SignalDesk: WebRequest NOT ALLOWED: add https://signals.example.com in Tools > Options > Expert Advisors");
  check_str("panel paused", lines[3], "Trading: PAUSED in the device settings");
  p.lastStatus = 401;
  p.retryIn = 60;
  check_str("panel rejected", SdConnectionText(p), "REJECTED (401): check device id, secret and the PC clock; retry in 60 s");
  p.lastStatus = -1;
  p.lastError = 5203;
  p.retryIn = 8;
  check_str("panel offline", SdConnectionText(p), "no connection (error 5203); retry in 8 s");
  MqlArray<string> in, wrapped;
  ArrayResize(in, 2);
  in[0] = "SignalDesk: WebRequest NOT ALLOWED: add https://signals.example.com in Tools > Options > Expert Advisors";
  in[1] = "short";
  SdWrapLines(in, 63, wrapped);
  check_int("a long panel line is wrapped for a 63-character label", ArraySize(wrapped), 4);
  check_str("a short one is kept", wrapped[3], "short");
  check_str("wrapped at a space", wrapped[0], "SignalDesk: WebRequest NOT ALLOWED: add");
  check_str("continuations are indented", wrapped[1], "   https://signals.example.com in Tools > Options > Expert");
  bool fits = true;
  for (int i = 0; i < ArraySize(wrapped); i++) fits = fits && StringLen(wrapped[i]) <= 63;
  check_true("every piece fits", fits);
  in[0] = string(150, 'x');
  SdWrapLines(in, 63, wrapped);
  check_true("a line without spaces is cut hard", ArraySize(wrapped) == 4 && StringLen(wrapped[0]) == 63 && StringLen(wrapped[1]) == 63);
}

int main() {
  lotSizing();
  symbolMapping();
  entryPlanning();
  settingsClamping();
  backoff();
  times();
  jsonWriting();
  closedTrades();
  panel();
  return sd_summary();
}
