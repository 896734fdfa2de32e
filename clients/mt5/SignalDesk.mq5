//+------------------------------------------------------------------+
//| SignalDesk.mq5: receives signaldesk signals and trades them.     |
//| The logic lives in SignalDesk/*.mqh (compiled and tested with    |
//| g++ in the signaldesk repository); this file is the terminal     |
//| glue: inputs, timer, WebRequest, CTrade, history, file, panel.   |
//+------------------------------------------------------------------+
#property copyright   "signaldesk"
#property version     "1.00"
#property description "Trades the signals you approved in the signaldesk bot, applies the publisher's"
#property description "updates to the positions it opened and reports every result. See README.md."

#include <Trade/Trade.mqh>
#include "SignalDesk/Backoff.mqh"
#include "SignalDesk/Canonical.mqh"
#include "SignalDesk/Engine.mqh"
#include "SignalDesk/Panel.mqh"

#define SD_HTTP_DEFERRED (-2)
#define SD_PANEL_PREFIX "SignalDesk."
#define SD_PANEL_BACKGROUND "SignalDesk.bg"
#define SD_PANEL_WIDTH 63

input string InpServerUrl       = "https://signals.example.com"; // Server URL (also allow it in Tools > Options > Expert Advisors)
input string InpDeviceId        = "";                            // Device id (dev_...)
input string InpDeviceSecret    = "";                            // Device secret (shown once when the device was created)
input long   InpMagicNumber     = 20261121;                      // Magic number of this EA's orders
input int    InpPollWaitSeconds = 10;                            // Long-poll wait in seconds (0..25)
input int    InpHistoryDays     = 7;                             // Days of closed trades to report at start
input bool   InpShowPanel       = true;                          // Show the status panel

CTrade    g_trade;
SdEngine  g_engine;
SdBackoff g_backoff;
bool      g_configured = false;
long      g_offset = 0;             // server clock minus TimeGMT(), from each poll's serverTime
ulong     g_nextRequestUs = 0;      // GetMicrosecondCount() before which no HTTP request is made
int       g_lastStatus = 0;         // last poll: HTTP status, -1 no answer, 0 none yet
int       g_lastError = 0;          // GetLastError() after the last failed WebRequest
long      g_lastPollAt = 0;
bool      g_helloDone = false;
datetime  g_tradesScannedTo = 0;    // trade-server time up to which closed trades were reported
string    g_stateFile = "";

long ServerNow() { return (long)TimeGMT() + g_offset; }

// Deal and position times are in the trade server's zone; the server wants UTC.
long ToUtc(const datetime serverTime)
  {
   return (long)serverTime - SdRoundZoneOffset((long)TimeTradeServer() - (long)TimeGMT());
  }

bool IsHedging()
  {
   return AccountInfoInteger(ACCOUNT_MARGIN_MODE) == ACCOUNT_MARGIN_MODE_RETAIL_HEDGING;
  }

//+------------------------------------------------------------------+
//| HTTP: one signed WebRequest, behind the backoff gate             |
//+------------------------------------------------------------------+
// WebRequest is synchronous: while it waits, this EA's thread runs nothing else (no timer, no
// chart events, no removal), though the terminal and other charts carry on. The server answers
// a long poll the moment a signal or update is ready, so the wait only bounds how long the EA is
// deaf when there is nothing to do: 10 s by default keeps removal, pending-order checks and the
// panel responsive for 6 idle requests a minute. The poll's timeout is the wait plus 10 s, so a
// held request is never cut off and counted as a failure; reports get 10 s.
int Http(const string method, const string apiPath, const string body, const int timeoutMs, const bool isPoll,
         uchar &response[], string &responseHeaders)
  {
   ArrayResize(response, 0);
   responseHeaders = "";
   if(GetMicrosecondCount() < g_nextRequestUs)
      return SD_HTTP_DEFERRED;
   uchar bytes[];
   SdUtf8Bytes(body, bytes);
   // A fresh timestamp and nonce on every attempt: a retry must not look like a replay.
   long timestamp = ServerNow();
   string nonce = SdNonce(timestamp, (long)GetMicrosecondCount(), MathRand());
   string headers = SdSignedHeaders(InpDeviceId, InpDeviceSecret, method, SdRequestTarget(InpServerUrl, apiPath),
                                    timestamp, nonce, bytes);
   char data[];
   ArrayResize(data, ArraySize(bytes));
   for(int i = 0; i < ArraySize(bytes); i++)
      data[i] = (char)bytes[i];
   char result[];
   ResetLastError();
   int status = WebRequest(method, SdTrimBaseUrl(InpServerUrl) + apiPath, headers, timeoutMs, data, result,
                           responseHeaders);
   g_lastError = status == -1 ? GetLastError() : 0;
   // The server's Date header corrects a PC clock that is off, even when it answered 401.
   long serverDate = 0;
   if(status > 0 && SdParseHttpDate(SdHeaderValue(responseHeaders, "Date"), serverDate))
      g_offset = serverDate - (long)TimeGMT();
   ArrayResize(response, ArraySize(result));
   for(int i = 0; i < ArraySize(result); i++)
      response[i] = (uchar)result[i];
   int delay = SdRetryDelay(g_backoff, status, SdHeaderInt(responseHeaders, "Retry-After"), isPoll);
   if(delay > 0)
      g_nextRequestUs = GetMicrosecondCount() + (ulong)delay * 1000000 + (ulong)SdJitterMs(delay, MathRand()) * 1000;
   return status;
  }

class MT5Server : public SdServer
  {
public:
   int               Post(const string path, const string body)
     {
      uchar response[];
      string headers;
      return Http("POST", path, body, 10000, false, response, headers);
     }
  };

//+------------------------------------------------------------------+
//| State file: written whole to a temporary file, then moved over   |
//+------------------------------------------------------------------+
class MT5Store : public SdStore
  {
public:
   bool              Save(const string text)
     {
      string tmp = g_stateFile + ".tmp";
      int h = FileOpen(tmp, FILE_WRITE | FILE_TXT | FILE_ANSI, 0, CP_UTF8);
      if(h == INVALID_HANDLE)
        {
         PrintFormat("SignalDesk: cannot write %s (error %d)", tmp, GetLastError());
         return false;
        }
      uint written = FileWriteString(h, text);
      FileClose(h);
      if(written == 0 || !FileMove(tmp, 0, g_stateFile, FILE_REWRITE))
        {
         PrintFormat("SignalDesk: cannot replace %s (error %d)", g_stateFile, GetLastError());
         return false;
        }
      return true;
     }
  };

string LoadStateText()
  {
   if(!FileIsExist(g_stateFile))
      return "";
   int h = FileOpen(g_stateFile, FILE_READ | FILE_TXT | FILE_ANSI, 0, CP_UTF8);
   if(h == INVALID_HANDLE)
      return "";
   string text = "";
   while(!FileIsEnding(h))
      text += FileReadString(h) + "\n";
   FileClose(h);
   return text;
  }

//+------------------------------------------------------------------+
//| The broker: CTrade and the terminal's positions, orders, history |
//+------------------------------------------------------------------+
class MT5Broker : public SdBroker
  {
public:
   double            Equity() { return AccountInfoDouble(ACCOUNT_EQUITY); }

   bool              SymbolSpec(const string symbol, SdSymbolSpec &spec)
     {
      if(!SymbolSelect(symbol, true))
         return false;
      MqlTick tick;
      ZeroMemory(tick);
      SymbolInfoTick(symbol, tick);
      spec.name = symbol;
      spec.bid = tick.bid;
      spec.ask = tick.ask;
      spec.point = SymbolInfoDouble(symbol, SYMBOL_POINT);
      spec.digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
      spec.tickValue = SymbolInfoDouble(symbol, SYMBOL_TRADE_TICK_VALUE_LOSS);
      if(spec.tickValue <= 0)
         spec.tickValue = SymbolInfoDouble(symbol, SYMBOL_TRADE_TICK_VALUE);
      spec.tickSize = SymbolInfoDouble(symbol, SYMBOL_TRADE_TICK_SIZE);
      spec.volumeMin = SymbolInfoDouble(symbol, SYMBOL_VOLUME_MIN);
      spec.volumeMax = SymbolInfoDouble(symbol, SYMBOL_VOLUME_MAX);
      spec.volumeStep = SymbolInfoDouble(symbol, SYMBOL_VOLUME_STEP);
      return true;
     }

   bool              Place(const SdOrderRequest &request, SdOrderResult &result)
     {
      int digits = (int)SymbolInfoInteger(request.symbol, SYMBOL_DIGITS);
      double sl = request.stopLoss > 0 ? NormalizeDouble(request.stopLoss, digits) : 0.0;
      double tp = request.takeProfit > 0 ? NormalizeDouble(request.takeProfit, digits) : 0.0;
      g_trade.SetDeviationInPoints((ulong)request.slippagePoints);
      g_trade.SetTypeFillingBySymbol(request.symbol);
      bool sent;
      if(request.kind == SD_KIND_BUY)
         sent = g_trade.Buy(request.volume, request.symbol, 0.0, sl, tp, request.comment);
      else if(request.kind == SD_KIND_SELL)
         sent = g_trade.Sell(request.volume, request.symbol, 0.0, sl, tp, request.comment);
      else
         sent = g_trade.OrderOpen(request.symbol, (ENUM_ORDER_TYPE)request.kind, request.volume, 0.0,
                                  NormalizeDouble(request.price, digits), sl, tp, ORDER_TIME_GTC, 0, request.comment);
      uint retcode = g_trade.ResultRetcode();
      result.retcode = (int)retcode;
      result.message = g_trade.ResultRetcodeDescription();
      result.orderTicket = (long)g_trade.ResultOrder();
      if(!sent || (retcode != TRADE_RETCODE_DONE && retcode != TRADE_RETCODE_DONE_PARTIAL && retcode != TRADE_RETCODE_PLACED))
         return false;
      result.ok = true;
      if(request.kind != SD_KIND_BUY && request.kind != SD_KIND_SELL)
        {
         result.pending = true;
         return true;
        }
      ulong deal = g_trade.ResultDeal();
      result.price = g_trade.ResultPrice();
      result.volume = g_trade.ResultVolume();
      result.time = ServerNow();
      result.positionTicket = result.orderTicket;   // hedging: the position's ticket is its opening order's
      if(deal > 0 && HistoryDealSelect(deal))
        {
         result.positionTicket = HistoryDealGetInteger(deal, DEAL_POSITION_ID);
         result.time = ToUtc((datetime)HistoryDealGetInteger(deal, DEAL_TIME));
         if(result.price <= 0)
            result.price = HistoryDealGetDouble(deal, DEAL_PRICE);
        }
      else if(!IsHedging() && PositionSelect(request.symbol))
         result.positionTicket = PositionGetInteger(POSITION_TICKET);
      return true;
     }

   int               PendingState(const long orderTicket, SdOrderResult &result)
     {
      if(OrderSelect((ulong)orderTicket))
         return SD_PENDING_WAITING;
      // Neither active nor (yet) in the loaded history: the terminal is still synchronising.
      if(!HistoryOrderSelect((ulong)orderTicket))
         return SD_PENDING_WAITING;
      ENUM_ORDER_STATE state = (ENUM_ORDER_STATE)HistoryOrderGetInteger((ulong)orderTicket, ORDER_STATE);
      if(state != ORDER_STATE_FILLED && state != ORDER_STATE_PARTIAL)
        {
         result.message = EnumToString(state);
         return SD_PENDING_GONE;
        }
      long position = HistoryOrderGetInteger((ulong)orderTicket, ORDER_POSITION_ID);
      if(!HistorySelectByPosition(position))
         return SD_PENDING_WAITING;
      double volume = 0, value = 0;
      long time = 0;
      for(int i = 0; i < HistoryDealsTotal(); i++)
        {
         ulong deal = HistoryDealGetTicket(i);
         if(HistoryDealGetInteger(deal, DEAL_ORDER) != orderTicket)
            continue;
         double v = HistoryDealGetDouble(deal, DEAL_VOLUME);
         volume += v;
         value += v * HistoryDealGetDouble(deal, DEAL_PRICE);
         time = ToUtc((datetime)HistoryDealGetInteger(deal, DEAL_TIME));
        }
      if(volume <= 0)
         return SD_PENDING_WAITING;
      result.ok = true;
      result.orderTicket = orderTicket;
      result.positionTicket = position;
      result.volume = volume;
      result.price = value / volume;
      result.time = time;
      return SD_PENDING_FILLED;
     }

   bool              CancelPending(const long orderTicket, SdOrderResult &result)
     {
      bool sent = g_trade.OrderDelete((ulong)orderTicket);
      result.retcode = (int)g_trade.ResultRetcode();
      result.message = g_trade.ResultRetcodeDescription();
      result.ok = sent && g_trade.ResultRetcode() == TRADE_RETCODE_DONE;
      return result.ok;
     }

   // Only the EA's own positions: by ticket, and on hedging accounts by magic number too (a
   // netting account has one position per symbol, whoever opened it).
   bool              Position(const long positionTicket, SdPositionInfo &info)
     {
      if(positionTicket <= 0 || !PositionSelectByTicket((ulong)positionTicket))
         return false;
      if(IsHedging() && PositionGetInteger(POSITION_MAGIC) != InpMagicNumber)
         return false;
      info.ticket = positionTicket;
      info.symbol = PositionGetString(POSITION_SYMBOL);
      info.side = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY ? SD_SIDE_BUY : SD_SIDE_SELL;
      info.volume = PositionGetDouble(POSITION_VOLUME);
      info.stopLoss = PositionGetDouble(POSITION_SL);
      info.takeProfit = PositionGetDouble(POSITION_TP);
      return true;
     }

   bool              Modify(const long positionTicket, const double stopLoss, const double takeProfit,
                            SdOrderResult &result)
     {
      SdPositionInfo info;
      if(!Position(positionTicket, info))
        {
         result.message = "position not found";
         return false;
        }
      int digits = (int)SymbolInfoInteger(info.symbol, SYMBOL_DIGITS);
      bool sent = g_trade.PositionModify((ulong)positionTicket, NormalizeDouble(stopLoss, digits),
                                         NormalizeDouble(takeProfit, digits));
      uint retcode = g_trade.ResultRetcode();
      result.retcode = (int)retcode;
      result.message = g_trade.ResultRetcodeDescription();
      result.ok = sent && (retcode == TRADE_RETCODE_DONE || retcode == TRADE_RETCODE_NO_CHANGES);
      return result.ok;
     }

   bool              Close(const long positionTicket, const double volume, const int slippagePoints, SdOrderResult &result)
     {
      SdPositionInfo info;
      if(!Position(positionTicket, info))
        {
         result.message = "position not found";
         return false;
        }
      g_trade.SetDeviationInPoints((ulong)slippagePoints);
      g_trade.SetTypeFillingBySymbol(info.symbol);
      bool sent;
      if(volume >= info.volume - 1e-9)
         sent = g_trade.PositionClose((ulong)positionTicket, (ulong)slippagePoints);
      else if(IsHedging())
         sent = g_trade.PositionClosePartial((ulong)positionTicket, volume, (ulong)slippagePoints);
      else
        {
         // Netting: the opposite deal of `volume` lots reduces the symbol's one position.
         ENUM_ORDER_TYPE type = info.side == SD_SIDE_BUY ? ORDER_TYPE_SELL : ORDER_TYPE_BUY;
         double price = SymbolInfoDouble(info.symbol, type == ORDER_TYPE_SELL ? SYMBOL_BID : SYMBOL_ASK);
         sent = g_trade.PositionOpen(info.symbol, type, volume, price, 0.0, 0.0, "signaldesk partial close");
        }
      uint retcode = g_trade.ResultRetcode();
      result.retcode = (int)retcode;
      result.message = g_trade.ResultRetcodeDescription();
      result.ok = sent && (retcode == TRADE_RETCODE_DONE || retcode == TRADE_RETCODE_DONE_PARTIAL);
      result.price = g_trade.ResultPrice();
      result.volume = g_trade.ResultVolume();
      SdPositionInfo after;
      if(result.ok && !IsHedging() && Position(positionTicket, after) &&
         (after.stopLoss != info.stopLoss || after.takeProfit != info.takeProfit))
        {
         SdOrderResult restore;
         SdResultClear(restore);
         Modify(positionTicket, info.stopLoss, info.takeProfit, restore);
        }
      return result.ok;
     }

   // After a restart: a position, pending order or filled deal carrying the signal id as comment.
   bool              FindBySignal(const string signalId, SdOrderResult &result)
     {
      for(int i = PositionsTotal() - 1; i >= 0; i--)
        {
         ulong ticket = PositionGetTicket(i);
         if(ticket == 0 || PositionGetInteger(POSITION_MAGIC) != InpMagicNumber ||
            PositionGetString(POSITION_COMMENT) != signalId)
            continue;
         result.ok = true;
         result.positionTicket = (long)ticket;
         result.orderTicket = (long)ticket;
         result.price = PositionGetDouble(POSITION_PRICE_OPEN);
         result.volume = PositionGetDouble(POSITION_VOLUME);
         result.time = ToUtc((datetime)PositionGetInteger(POSITION_TIME));
         return true;
        }
      for(int i = OrdersTotal() - 1; i >= 0; i--)
        {
         ulong ticket = OrderGetTicket(i);
         if(ticket == 0 || OrderGetInteger(ORDER_MAGIC) != InpMagicNumber || OrderGetString(ORDER_COMMENT) != signalId)
            continue;
         result.ok = true;
         result.orderTicket = (long)ticket;
         result.pending = true;
         return true;
        }
      if(!HistorySelect(TimeCurrent() - 7 * 86400, TimeCurrent() + 86400))
         return false;
      for(int i = HistoryDealsTotal() - 1; i >= 0; i--)
        {
         ulong deal = HistoryDealGetTicket(i);
         if(HistoryDealGetInteger(deal, DEAL_MAGIC) != InpMagicNumber || HistoryDealGetString(deal, DEAL_COMMENT) != signalId ||
            HistoryDealGetInteger(deal, DEAL_ENTRY) != DEAL_ENTRY_IN)
            continue;
         result.ok = true;
         result.positionTicket = HistoryDealGetInteger(deal, DEAL_POSITION_ID);
         result.orderTicket = HistoryDealGetInteger(deal, DEAL_ORDER);
         result.price = HistoryDealGetDouble(deal, DEAL_PRICE);
         result.volume = HistoryDealGetDouble(deal, DEAL_VOLUME);
         result.time = ToUtc((datetime)HistoryDealGetInteger(deal, DEAL_TIME));
         return true;
        }
      return false;
     }
  };

MT5Broker g_broker;
MT5Server g_server;
MT5Store  g_store;

//+------------------------------------------------------------------+
//| Hello, poll, closed trades                                        |
//+------------------------------------------------------------------+
void Hello()
  {
   string body = SdHelloBody(IntegerToString(AccountInfoInteger(ACCOUNT_LOGIN)), AccountInfoString(ACCOUNT_SERVER),
                             AccountInfoString(ACCOUNT_COMPANY), AccountInfoString(ACCOUNT_CURRENCY),
                             AccountInfoDouble(ACCOUNT_BALANCE), AccountInfoInteger(ACCOUNT_LEVERAGE),
                             SD_CLIENT_NAME, SD_CLIENT_VERSION);
   uchar response[];
   string headers;
   int status = Http("POST", "/api/v1/device/hello", body, 10000, false, response, headers);
   if(status == SD_HTTP_DEFERRED || !SdReportSettled(status))
      return;
   g_helloDone = true;
   if(status != 200)
     {
      PrintFormat("SignalDesk: hello answered HTTP %d; polling without it", status);
      return;
     }
   SdJson json;
   SdSettings settings;
   if(json.Parse(response) && SdReadHelloAnswer(json, settings))
      g_engine.ApplySettings(settings);
  }

void Poll()
  {
   int wait = InpPollWaitSeconds < 0 ? 0 : (InpPollWaitSeconds > 25 ? 25 : InpPollWaitSeconds);
   uchar response[];
   string headers;
   int status = Http("GET", "/api/v1/device/poll?wait=" + IntegerToString(wait), "", (wait + 10) * 1000, true,
                     response, headers);
   if(status == SD_HTTP_DEFERRED)
      return;
   if(status != g_lastStatus && status != 200)
      PrintFormat("SignalDesk: poll answered %d (error %d)", status, g_lastError);
   g_lastStatus = status;
   if(status != 200)
      return;
   long localNow = (long)TimeGMT();
   SdJson json;
   SdPollAnswer answer;
   string error = "";
   if(!json.Parse(response) || !SdReadPollAnswer(json, answer, error))
     {
      Print("SignalDesk: unreadable poll answer: ", error != "" ? error : json.Error());
      return;
     }
   if(answer.serverUnix > 0)
      g_offset = answer.serverUnix - localNow;
   g_lastPollAt = ServerNow();
   g_engine.OnPoll(answer, g_broker, g_server, g_store, ServerNow());
  }

void AddDeals(SdDeal &deals[], const long position)
  {
   if(!HistorySelectByPosition(position))
      return;
   for(int i = 0; i < HistoryDealsTotal(); i++)
     {
      ulong ticket = HistoryDealGetTicket(i);
      long type = HistoryDealGetInteger(ticket, DEAL_TYPE);
      if(type != DEAL_TYPE_BUY && type != DEAL_TYPE_SELL)
         continue;
      int n = ArraySize(deals);
      ArrayResize(deals, n + 1);
      deals[n].ticket = (long)ticket;
      deals[n].positionId = position;
      deals[n].entry = (int)HistoryDealGetInteger(ticket, DEAL_ENTRY);
      deals[n].side = type == DEAL_TYPE_BUY ? SD_SIDE_BUY : SD_SIDE_SELL;
      deals[n].volume = HistoryDealGetDouble(ticket, DEAL_VOLUME);
      deals[n].price = HistoryDealGetDouble(ticket, DEAL_PRICE);
      deals[n].money = HistoryDealGetDouble(ticket, DEAL_PROFIT) + HistoryDealGetDouble(ticket, DEAL_SWAP) +
                       HistoryDealGetDouble(ticket, DEAL_COMMISSION) + HistoryDealGetDouble(ticket, DEAL_FEE);
      deals[n].time = ToUtc((datetime)HistoryDealGetInteger(ticket, DEAL_TIME));
      deals[n].symbol = HistoryDealGetString(ticket, DEAL_SYMBOL);
     }
  }

// Every position with a closing deal since the last scan (the first scan goes InpHistoryDays
// back), bot and manual alike; the engine reports each closed trade once.
void ReportClosedTrades()
  {
   datetime to = TimeCurrent();
   datetime from = g_tradesScannedTo > 0 ? g_tradesScannedTo - 300 : to - (datetime)(InpHistoryDays * 86400);
   if(!HistorySelect(from, to + 3600))
      return;
   long positions[];
   for(int i = 0; i < HistoryDealsTotal(); i++)
     {
      ulong ticket = HistoryDealGetTicket(i);
      long entry = HistoryDealGetInteger(ticket, DEAL_ENTRY);
      if(entry == DEAL_ENTRY_IN)
         continue;
      long position = HistoryDealGetInteger(ticket, DEAL_POSITION_ID);
      bool seen = false;
      for(int k = 0; k < ArraySize(positions) && !seen; k++)
         seen = positions[k] == position;
      if(!seen && position > 0)
        {
         int n = ArraySize(positions);
         ArrayResize(positions, n + 1);
         positions[n] = position;
        }
     }
   SdDeal deals[];
   for(int k = 0; k < ArraySize(positions); k++)
      AddDeals(deals, positions[k]);
   g_engine.ReportClosedTrades(deals, AccountInfoString(ACCOUNT_CURRENCY), g_server, g_store, ServerNow());
   if(!g_engine.m_transportFailed)
      g_tradesScannedTo = to;
  }

//+------------------------------------------------------------------+
//| Panel                                                             |
//+------------------------------------------------------------------+
bool TradingAllowed()
  {
   return TerminalInfoInteger(TERMINAL_TRADE_ALLOWED) && MQLInfoInteger(MQL_TRADE_ALLOWED);
  }

void DrawPanel()
  {
   if(!InpShowPanel)
      return;
   SdPanelState p;
   p.configured = g_configured;
   p.lastStatus = g_lastStatus;
   p.lastError = g_lastError;
   ulong now = GetMicrosecondCount();
   p.retryIn = g_nextRequestUs > now ? (long)((g_nextRequestUs - now) / 1000000) + 1 : 0;
   p.url = InpServerUrl;
   p.now = ServerNow();
   p.lastPollAt = g_lastPollAt;
   p.openPositions = g_engine.CountPhase(SD_PHASE_OPEN);
   p.pendingOrders = g_engine.CountPhase(SD_PHASE_PENDING);
   p.paused = g_engine.m_settings.paused;
   p.tradeAllowed = TradingAllowed();
   p.settingsText = SdDescribeSettings(g_engine.m_settings);
   p.settingsVersion = g_engine.m_settings.version;
   p.lastEvent = g_engine.m_lastEvent;
   string lines[], wrapped[];
   SdPanelLines(p, lines);
   SdWrapLines(lines, SD_PANEL_WIDTH, wrapped);
   string background = SD_PANEL_BACKGROUND;
   if(ObjectFind(0, background) < 0)
     {
      ObjectCreate(0, background, OBJ_RECTANGLE_LABEL, 0, 0, 0);
      ObjectSetInteger(0, background, OBJPROP_CORNER, CORNER_LEFT_UPPER);
      ObjectSetInteger(0, background, OBJPROP_XDISTANCE, 4);
      ObjectSetInteger(0, background, OBJPROP_YDISTANCE, 16);
      ObjectSetInteger(0, background, OBJPROP_XSIZE, 460);
      ObjectSetInteger(0, background, OBJPROP_BGCOLOR, C'24,24,24');
      ObjectSetInteger(0, background, OBJPROP_BORDER_TYPE, BORDER_FLAT);
      ObjectSetInteger(0, background, OBJPROP_SELECTABLE, false);
      ObjectSetInteger(0, background, OBJPROP_HIDDEN, true);
     }
   ObjectSetInteger(0, background, OBJPROP_YSIZE, 8 + 16 * ArraySize(wrapped));
   int shown = ArraySize(wrapped);
   for(int i = 0; i < shown; i++)
     {
      string name = SD_PANEL_PREFIX + IntegerToString(i);
      if(ObjectFind(0, name) < 0)
        {
         ObjectCreate(0, name, OBJ_LABEL, 0, 0, 0);
         ObjectSetInteger(0, name, OBJPROP_CORNER, CORNER_LEFT_UPPER);
         ObjectSetInteger(0, name, OBJPROP_XDISTANCE, 10);
         ObjectSetInteger(0, name, OBJPROP_YDISTANCE, 20 + 16 * i);
         ObjectSetString(0, name, OBJPROP_FONT, "Consolas");
         ObjectSetInteger(0, name, OBJPROP_FONTSIZE, 9);
         ObjectSetInteger(0, name, OBJPROP_SELECTABLE, false);
         ObjectSetInteger(0, name, OBJPROP_HIDDEN, true);
        }
      bool alarm = StringFind(wrapped[i], "NOT ") >= 0 || StringFind(wrapped[i], "REJECTED") >= 0 ||
                   StringFind(wrapped[i], "PAUSED") >= 0 || StringFind(wrapped[i], "BLOCKED") >= 0;
      ObjectSetInteger(0, name, OBJPROP_COLOR, alarm ? clrOrange : clrGainsboro);
      ObjectSetString(0, name, OBJPROP_TEXT, wrapped[i]);
     }
   for(int i = shown; ObjectFind(0, SD_PANEL_PREFIX + IntegerToString(i)) >= 0; i++)
      ObjectDelete(0, SD_PANEL_PREFIX + IntegerToString(i));
   ChartRedraw(0);
  }

void PrintNotes()
  {
   string notes[];
   int n = g_engine.TakeNotes(notes);
   for(int i = 0; i < n; i++)
      Print("SignalDesk: ", notes[i]);
  }

//+------------------------------------------------------------------+
//| Event handlers                                                    |
//+------------------------------------------------------------------+
int OnInit()
  {
   if(MQLInfoInteger(MQL_TESTER))
     {
      Print("SignalDesk: WebRequest does not work in the Strategy Tester; attach the EA to a live or demo chart");
      return INIT_FAILED;
     }
   g_configured = InpDeviceId != "" && InpDeviceSecret != "" && StringFind(InpServerUrl, "http") == 0;
   g_trade.SetExpertMagicNumber((ulong)InpMagicNumber);
   g_trade.SetMarginMode();
   g_trade.LogLevel(LOG_LEVEL_ERRORS);
   SdBackoffReset(g_backoff);
   MathSrand((uint)GetMicrosecondCount());
   g_stateFile = "SignalDesk-" + (InpDeviceId != "" ? InpDeviceId : "unconfigured") + ".json";
   string error = "";
   if(!g_engine.Restore(LoadStateText(), error))
     {
      // Kept for inspection; the server never hands out an ACKed signal again, so starting empty
      // cannot place an order twice.
      FileMove(g_stateFile, 0, g_stateFile + ".bad", FILE_REWRITE);
      Print("SignalDesk: ", error, "; started with an empty state (the old file is ", g_stateFile, ".bad)");
      g_engine.Restore("", error);
     }
   if(!g_configured)
      Print("SignalDesk: enter the server URL, device id and device secret in the EA's inputs");
   EventSetTimer(1);
   DrawPanel();
   return INIT_SUCCEEDED;
  }

void OnDeinit(const int reason)
  {
   EventKillTimer();
   g_store.Save(g_engine.Serialize());
   ObjectsDeleteAll(0, SD_PANEL_PREFIX);
   ChartRedraw(0);
  }

// Once a second (MQL5 drops a timer event while the previous one still runs, so a long poll
// never queues a burst): local checks first, then the server.
void OnTimer()
  {
   if(!g_configured)
     {
      DrawPanel();
      return;
     }
   g_engine.Tick(g_broker, g_server, g_store, ServerNow());
   static datetime lastTradeScan = 0;
   if(TimeCurrent() - lastTradeScan >= 60 && TerminalInfoInteger(TERMINAL_CONNECTED))
     {
      ReportClosedTrades();
      lastTradeScan = TimeCurrent();
     }
   if(!g_helloDone && AccountInfoInteger(ACCOUNT_LOGIN) > 0 && TerminalInfoInteger(TERMINAL_CONNECTED))
      Hello();
   // With AutoTrading off nothing is polled, so approved signals wait on the server (until they
   // expire) instead of being taken and refused.
   if(TradingAllowed())
      Poll();
   PrintNotes();
   DrawPanel();
  }
//+------------------------------------------------------------------+
