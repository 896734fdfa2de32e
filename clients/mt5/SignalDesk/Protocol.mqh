// The device protocol's data (API.md §7.2, §10, §11): what a poll or hello answer carries, read
// tolerantly (unknown members ignored, optional members defaulted), and the JSON bodies of the
// reports the EA sends. Field names are the contract's, character for character.
#ifndef SD_PROTOCOL_MQH
#define SD_PROTOCOL_MQH

#include "Compat.mqh"
#include "Json.mqh"
#include "IsoTime.mqh"

// What the EA calls itself in its hello (API.md §11); the owner sees it on the device.
#define SD_CLIENT_NAME "SignalDesk.mq5"
#define SD_CLIENT_VERSION "1.0.0"

#define SD_SIDE_BUY 1
#define SD_SIDE_SELL 2

#define SD_ORDER_MARKET 1
#define SD_ORDER_LIMIT 2
#define SD_ORDER_STOP 3

#define SD_ACTION_MODIFY 1
#define SD_ACTION_CLOSE 2
#define SD_ACTION_CLOSE_PARTIAL 3

// Codes the EA reports in POST /device/error and update-result when it refuses or cannot do
// something itself. Broker refusals carry MqlTradeResult.retcode (10004..10046) and terminal
// failures GetLastError() (4000..5999); these are kept far from both.
#define SD_ERR_EXPIRED 90001          // the entry arrived after expiresAt
#define SD_ERR_DEVIATION 90002        // the market moved further from the entry than allowed
#define SD_ERR_UNKNOWN_SYMBOL 90003   // the broker has no symbol of the mapped name
#define SD_ERR_PAUSED 90004           // the device is paused in its settings
#define SD_ERR_VOLUME 90005           // the lot size cannot be met (below minimum, no stop loss for risk sizing)
#define SD_ERR_RESTART 90006          // the terminal stopped while the order was being sent; not resent
#define SD_ERR_PENDING_EXPIRED 90007  // the pending order did not trigger before expiresAt; removed
#define SD_ERR_PENDING_GONE 90008     // the pending order was cancelled or rejected outside the EA
#define SD_ERR_BAD_SIGNAL 90009       // the signal cannot be traded as sent (unknown side/type, no entry price)
#define SD_ERR_NO_POSITION 90010      // an update for a position that is not open on this terminal
#define SD_ERR_BAD_UPDATE 90011       // an update that cannot be applied as sent (unknown action, bad fraction)
#define SD_ERR_NO_PRICE 90012         // the terminal has no current price for the symbol

struct SdSignal
  {
   string            signalId;
   string            instrument;
   int               side;        // SD_SIDE_*, 0 when unknown
   int               orderType;   // SD_ORDER_*, 0 when unknown
   string            sideText;
   string            orderTypeText;
   double            entryPrice;  // 0 when null
   double            stopLoss;
   double            takeProfit;
   double            volume;
   long              expiresAt;   // Unix seconds, 0 when missing or unreadable
  };

struct SdUpdate
  {
   string            updateId;
   string            signalId;
   long              seq;
   int               action;      // SD_ACTION_*, 0 when unknown
   string            actionText;
   double            stopLoss;    // 0 when null: leave unchanged
   double            takeProfit;
   double            fraction;
   string            brokerTicket;
  };

// DeviceSettings (API.md §11). hasMaxLots / hasDeviation are false for null.
struct SdSettings
  {
   long              version;
   string            sizingMode;
   double            sizingValue;
   bool              hasMaxLots;
   double            maxLots;
   SD_ARR(string, mapFrom);
   SD_ARR(string, mapTo);
   string            symbolSuffix;
   double            maxSlippagePoints;
   bool              hasDeviation;
   double            maxEntryDeviationPct;
   bool              paused;
  };

struct SdPollAnswer
  {
   string            serverTime;
   long              serverUnix;
   SD_ARR(SdSignal, signals);
   SD_ARR(SdUpdate, updates);
   int               skipped;     // list items without an id, which cannot be answered
   bool              hasSettings;
   SdSettings        settings;
  };

int SdSideOf(const string text)
  {
   if(text == "buy") return SD_SIDE_BUY;
   if(text == "sell") return SD_SIDE_SELL;
   return 0;
  }

int SdOrderTypeOf(const string text)
  {
   if(text == "market") return SD_ORDER_MARKET;
   if(text == "limit") return SD_ORDER_LIMIT;
   if(text == "stop") return SD_ORDER_STOP;
   return 0;
  }

int SdActionOf(const string text)
  {
   if(text == "modify") return SD_ACTION_MODIFY;
   if(text == "close") return SD_ACTION_CLOSE;
   if(text == "close_partial") return SD_ACTION_CLOSE_PARTIAL;
   return 0;
  }

string SdSideText(const int side) { return side == SD_SIDE_BUY ? "buy" : (side == SD_SIDE_SELL ? "sell" : "?"); }

// A JSON number, or 0 for null, a missing member or any other type.
double SdPositiveOrZero(SdJson &json, const int obj, const string key)
  {
   double v = json.GetNumber(obj, key, 0.0);
   return v > 0.0 ? v : 0.0;
  }

// A string member, or a number member written as an integer (tickets may arrive either way).
string SdIdText(SdJson &json, const int obj, const string key)
  {
   int v = json.Find(obj, key);
   if(json.IsString(v))
      return json.Str(v);
   if(json.IsNumber(v))
      return SdJsonNumber(json.Num(v), 0);
   return "";
  }

void SdSettingsDefaults(SdSettings &s)
  {
   s.version = 0;
   s.sizingMode = "fixed";
   s.sizingValue = 0.01;
   s.hasMaxLots = false;
   s.maxLots = 0.0;
   ArrayResize(s.mapFrom, 0);
   ArrayResize(s.mapTo, 0);
   s.symbolSuffix = "";
   s.maxSlippagePoints = 30;
   s.hasDeviation = false;
   s.maxEntryDeviationPct = 0.0;
   s.paused = false;
  }

void SdSettingsCopy(SdSettings &dst, const SdSettings &src)
  {
   dst.version = src.version;
   dst.sizingMode = src.sizingMode;
   dst.sizingValue = src.sizingValue;
   dst.hasMaxLots = src.hasMaxLots;
   dst.maxLots = src.maxLots;
   int n = ArraySize(src.mapFrom);
   ArrayResize(dst.mapFrom, n);
   ArrayResize(dst.mapTo, n);
   for(int i = 0; i < n; i++)
     {
      dst.mapFrom[i] = src.mapFrom[i];
      dst.mapTo[i] = src.mapTo[i];
     }
   dst.symbolSuffix = src.symbolSuffix;
   dst.maxSlippagePoints = src.maxSlippagePoints;
   dst.hasDeviation = src.hasDeviation;
   dst.maxEntryDeviationPct = src.maxEntryDeviationPct;
   dst.paused = src.paused;
  }

// Reads DeviceSettings as sent; members that are missing keep their defaults. Members of the
// wrong type are kept as an out-of-range marker (-1, "?") so SdClampSettings reports them.
void SdReadSettings(SdJson &json, const int obj, SdSettings &s)
  {
   SdSettingsDefaults(s);
   if(!json.IsObject(obj))
      return;
   s.version = (long)json.GetNumber(obj, "version", 0);
   int sizing = json.Find(obj, "sizing");
   if(json.IsObject(sizing))
     {
      int mode = json.Find(sizing, "mode");
      if(mode >= 0)
         s.sizingMode = json.IsString(mode) ? json.Str(mode) : "?";
      int value = json.Find(sizing, "value");
      if(value >= 0)
         s.sizingValue = json.IsNumber(value) ? json.Num(value) : -1;
     }
   int maxLots = json.Find(obj, "maxLots");
   if(maxLots >= 0 && !json.IsNull(maxLots))
     {
      s.hasMaxLots = true;
      s.maxLots = json.IsNumber(maxLots) ? json.Num(maxLots) : -1;
     }
   int map = json.Find(obj, "symbolMap");
   if(json.IsObject(map))
     {
      for(int i = 0; i < json.Size(map); i++)
        {
         string from = "";
         int to = json.Member(map, i, from);
         int n = ArraySize(s.mapFrom);
         ArrayResize(s.mapFrom, n + 1);
         ArrayResize(s.mapTo, n + 1);
         s.mapFrom[n] = from;
         s.mapTo[n] = json.IsString(to) ? json.Str(to) : "";
        }
     }
   int suffix = json.Find(obj, "symbolSuffix");
   if(json.IsString(suffix))
      s.symbolSuffix = json.Str(suffix);
   int slippage = json.Find(obj, "maxSlippagePoints");
   if(slippage >= 0 && !json.IsNull(slippage))
      s.maxSlippagePoints = json.IsNumber(slippage) ? json.Num(slippage) : -1;
   int deviation = json.Find(obj, "maxEntryDeviationPct");
   if(deviation >= 0 && !json.IsNull(deviation))
     {
      s.hasDeviation = true;
      s.maxEntryDeviationPct = json.IsNumber(deviation) ? json.Num(deviation) : -1;
     }
   int paused = json.Find(obj, "paused");
   if(paused >= 0)
      s.paused = json.IsBool(paused) ? json.Bool(paused) : true;
  }

void SdReadSignal(SdJson &json, const int t, SdSignal &s)
  {
   s.signalId = SdIdText(json, t, "signalId");
   s.instrument = json.GetString(t, "instrument", "");
   s.sideText = json.GetString(t, "side", "");
   s.orderTypeText = json.GetString(t, "orderType", "market");
   s.side = SdSideOf(s.sideText);
   s.orderType = SdOrderTypeOf(s.orderTypeText);
   s.entryPrice = SdPositiveOrZero(json, t, "entryPrice");
   s.stopLoss = SdPositiveOrZero(json, t, "stopLoss");
   s.takeProfit = SdPositiveOrZero(json, t, "takeProfit");
   s.volume = SdPositiveOrZero(json, t, "volume");
   s.expiresAt = 0;
   long at = 0;
   if(SdParseIso(json.GetString(t, "expiresAt", ""), at))
      s.expiresAt = at;
  }

void SdReadUpdate(SdJson &json, const int t, SdUpdate &u)
  {
   u.updateId = SdIdText(json, t, "updateId");
   u.signalId = SdIdText(json, t, "signalId");
   u.seq = (long)json.GetNumber(t, "seq", 0);
   u.actionText = json.GetString(t, "action", "");
   u.action = SdActionOf(u.actionText);
   u.stopLoss = SdPositiveOrZero(json, t, "stopLoss");
   u.takeProfit = SdPositiveOrZero(json, t, "takeProfit");
   u.fraction = json.GetNumber(t, "fraction", 0.0);
   u.brokerTicket = SdIdText(json, t, "brokerTicket");
  }

// A poll answer: {"serverTime", "signals": [...], "updates"?: [...], "settings"?: {...}}.
bool SdReadPollAnswer(SdJson &json, SdPollAnswer &out, string &error)
  {
   error = "";
   out.serverTime = "";
   out.serverUnix = 0;
   out.skipped = 0;
   out.hasSettings = false;
   ArrayResize(out.signals, 0);
   ArrayResize(out.updates, 0);
   SdSettingsDefaults(out.settings);
   int root = json.Root();
   if(!json.IsObject(root))
     {
      error = "the poll answer is not a JSON object";
      return false;
     }
   out.serverTime = json.GetString(root, "serverTime", "");
   long at = 0;
   if(SdParseIso(out.serverTime, at))
      out.serverUnix = at;
   int signals = json.Find(root, "signals");
   for(int i = 0; i < json.Size(signals) && json.IsArray(signals); i++)
     {
      int t = json.Item(signals, i);
      if(!json.IsObject(t) || SdIdText(json, t, "signalId") == "")
        {
         out.skipped++;
         continue;
        }
      int n = ArraySize(out.signals);
      ArrayResize(out.signals, n + 1);
      SdReadSignal(json, t, out.signals[n]);
     }
   int updates = json.Find(root, "updates");
   for(int i = 0; i < json.Size(updates) && json.IsArray(updates); i++)
     {
      int t = json.Item(updates, i);
      if(!json.IsObject(t) || SdIdText(json, t, "updateId") == "")
        {
         out.skipped++;
         continue;
        }
      int n = ArraySize(out.updates);
      ArrayResize(out.updates, n + 1);
      SdReadUpdate(json, t, out.updates[n]);
     }
   int settings = json.Find(root, "settings");
   if(json.IsObject(settings))
     {
      out.hasSettings = true;
      SdReadSettings(json, settings, out.settings);
     }
   return true;
  }

// A hello answer: {"settings": DeviceSettings}. False when it carries none.
bool SdReadHelloAnswer(SdJson &json, SdSettings &out)
  {
   int settings = json.Find(json.Root(), "settings");
   if(!json.IsObject(settings))
      return false;
   SdReadSettings(json, settings, out);
   return true;
  }

// ---- request bodies ----

string SdAckBody(const string signalId)
  {
   return "{\"signalId\":" + SdJsonQuote(signalId) + "}";
  }

string SdFillBody(const string signalId, const double price, const double volume, const string brokerTicket,
                  const long filledAt)
  {
   string body = "{\"signalId\":" + SdJsonQuote(signalId) + ",\"price\":" + SdJsonNumber(price) +
                 ",\"volume\":" + SdJsonNumber(volume) + ",\"brokerTicket\":" + SdJsonQuote(brokerTicket);
   if(filledAt > 0)
      body += ",\"filledAt\":" + SdJsonQuote(SdFormatIso(filledAt));
   return body + "}";
  }

string SdLimitText(const string text, const int maxChars)
  {
   return StringLen(text) > maxChars ? StringSubstr(text, 0, maxChars) : text;
  }

string SdErrorBody(const string signalId, const int code, const string message)
  {
   return "{\"signalId\":" + SdJsonQuote(signalId) + ",\"code\":" + IntegerToString(code) +
          ",\"message\":" + SdJsonQuote(SdLimitText(message, 500)) + "}";
  }

string SdUpdateResultBody(const string updateId, const bool applied, const int errorCode, const string errorMessage,
                          const double closedVolume, const double closePrice)
  {
   string body = "{\"updateId\":" + SdJsonQuote(updateId) + ",\"status\":" + (applied ? "\"applied\"" : "\"failed\"");
   if(!applied)
      body += ",\"errorCode\":" + IntegerToString(errorCode) + ",\"errorMessage\":" +
              SdJsonQuote(SdLimitText(errorMessage, 500));
   if(closedVolume > 0)
      body += ",\"closedVolume\":" + SdJsonNumber(closedVolume);
   if(closePrice > 0)
      body += ",\"closePrice\":" + SdJsonNumber(closePrice);
   return body + "}";
  }

string SdHelloBody(const string login, const string server, const string company, const string currency,
                   const double balance, const long leverage, const string clientName, const string clientVersion)
  {
   return "{\"account\":{\"login\":" + SdJsonQuote(login) + ",\"server\":" + SdJsonQuote(server) +
          ",\"company\":" + SdJsonQuote(company) + ",\"currency\":" + SdJsonQuote(currency) +
          ",\"balance\":" + SdJsonNumber(balance, 2) + ",\"leverage\":" + IntegerToString(leverage) +
          "},\"client\":{\"name\":" + SdJsonQuote(clientName) + ",\"version\":" + SdJsonQuote(clientVersion) + "}}";
  }

#endif
