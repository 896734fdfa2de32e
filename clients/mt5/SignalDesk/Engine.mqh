// The per-signal state machine (phases in SignalState.mqh) over three small interfaces the EA
// implements with the terminal (CTrade, WebRequest, a file) and the tests with a simulated
// broker: entries with the device settings, pending orders until they fill or expire, updates
// to the position the EA opened, ACK / fill / error / update-result reports that are retried
// until the server has them, and closed trades.
#ifndef SD_ENGINE_MQH
#define SD_ENGINE_MQH

#include "Compat.mqh"
#include "Deviation.mqh"
#include "Json.mqh"
#include "Protocol.mqh"
#include "Settings.mqh"
#include "SignalState.mqh"
#include "Sizing.mqh"
#include "SymbolMap.mqh"
#include "Trades.mqh"

#define SD_PENDING_WAITING 0
#define SD_PENDING_FILLED 1
#define SD_PENDING_GONE 2

#define SD_KEEP_SECONDS (30 * 86400)
#define SD_KEEP_TRADE_SECONDS (90 * 86400)

struct SdOrderRequest
  {
   string            symbol;
   int               kind;            // SD_KIND_*
   double            volume;
   double            price;           // pending orders: the order's price; market: the price seen
   double            stopLoss;        // 0: none
   double            takeProfit;
   int               slippagePoints;
   string            comment;         // the signal id, so a restart can find the order
  };

struct SdOrderResult
  {
   bool              ok;
   int               retcode;
   string            message;
   long              orderTicket;
   long              positionTicket;
   double            price;
   double            volume;
   long              time;            // UTC Unix seconds of the deal
   bool              pending;         // a pending order was placed (or found), not a position
  };

struct SdPositionInfo
  {
   long              ticket;
   string            symbol;
   int               side;
   double            volume;
   double            stopLoss;
   double            takeProfit;
  };

void SdResultClear(SdOrderResult &r)
  {
   r.ok = false; r.retcode = 0; r.message = ""; r.orderTicket = 0; r.positionTicket = 0;
   r.price = 0; r.volume = 0; r.time = 0; r.pending = false;
  }

// The trading terminal. Positions and orders are only those carrying the EA's magic number.
class SdBroker
  {
public:
   virtual double    Equity() = 0;
   // False when the broker has no such symbol.
   virtual bool      SymbolSpec(const string symbol, SdSymbolSpec &spec) = 0;
   virtual bool      Place(const SdOrderRequest &request, SdOrderResult &result) = 0;
   // SD_PENDING_WAITING, SD_PENDING_FILLED (result: the position, fill price/volume/time) or
   // SD_PENDING_GONE (result.message: cancelled, expired, rejected).
   virtual int       PendingState(const long orderTicket, SdOrderResult &result) = 0;
   virtual bool      CancelPending(const long orderTicket, SdOrderResult &result) = 0;
   // False when the position is not open (any more).
   virtual bool      Position(const long positionTicket, SdPositionInfo &info) = 0;
   virtual bool      Modify(const long positionTicket, const double stopLoss, const double takeProfit,
                            SdOrderResult &result) = 0;
   // Closes `volume` lots of the position (all of it when volume >= its volume).
   virtual bool      Close(const long positionTicket, const double volume, const int slippagePoints,
                           SdOrderResult &result) = 0;
   // After a restart: the position or pending order whose comment is this signal id.
   virtual bool      FindBySignal(const string signalId, SdOrderResult &result) = 0;
  };

// The signed HTTP client: returns the status, or <= 0 when no answer came.
class SdServer
  {
public:
   virtual int       Post(const string path, const string body) = 0;
  };

class SdStore
  {
public:
   virtual bool      Save(const string text) = 0;
  };

// True when the server has a report (2xx) or gave a final answer about it (a 4xx other than
// 401/408/429): either way sending it again would not change anything.
bool SdReportSettled(const int status)
  {
   if(status >= 200 && status < 300)
      return true;
   return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
  }

class SdEngine
  {
public:
   SD_ARR(SdRecord, m_records);
   SD_ARR(SdUpdateLog, m_updates);
   SD_ARR(string, m_tradeTickets);
   SD_ARR(long, m_tradeTimes);
   SD_ARR(string, m_notes);
   SdSettings        m_settings;
   string            m_warned;
   string            m_lastEvent;
   string            m_saved;
   bool              m_transportFailed;

                     SdEngine()
     {
      SdSettingsDefaults(m_settings);
      m_warned = "";
      m_lastEvent = "";
      m_saved = "";
      m_transportFailed = false;
     }

   // ---- queries ----

   int               Find(const string signalId)
     {
      for(int i = 0; i < ArraySize(m_records); i++)
         if(m_records[i].signalId == signalId)
            return i;
      return -1;
     }

   int               FindByPosition(const long positionTicket)
     {
      if(positionTicket <= 0)
         return -1;
      for(int i = 0; i < ArraySize(m_records); i++)
         if(m_records[i].positionTicket == positionTicket)
            return i;
      return -1;
     }

   int               CountPhase(const int phase)
     {
      int n = 0;
      for(int i = 0; i < ArraySize(m_records); i++)
         if(m_records[i].phase == phase)
            n++;
      return n;
     }

   bool              TradeReported(const string ticket)
     {
      for(int i = 0; i < ArraySize(m_tradeTickets); i++)
         if(m_tradeTickets[i] == ticket)
            return true;
      return false;
     }

   // Messages for the journal and the panel since the last call.
   int               TakeNotes(SD_ARR_REF(string, out))
     {
      int n = ArraySize(m_notes);
      ArrayResize(out, n);
      for(int i = 0; i < n; i++)
         out[i] = m_notes[i];
      ArrayResize(m_notes, 0);
      return n;
     }

   // ---- persistence ----

   string            Serialize()
     {
      string text = "{\"format\":" + IntegerToString(SD_STATE_FORMAT) + ",\"settings\":" + SdSettingsJson(m_settings) +
                    ",\"warned\":" + SdJsonQuote(m_warned) + ",\"records\":[";
      for(int i = 0; i < ArraySize(m_records); i++)
         text += (i > 0 ? ",\n" : "\n") + SdRecordJson(m_records[i]);
      text += "],\"updates\":[";
      for(int i = 0; i < ArraySize(m_updates); i++)
         text += (i > 0 ? ",\n" : "\n") + SdUpdateLogJson(m_updates[i]);
      text += "],\"trades\":[";
      for(int i = 0; i < ArraySize(m_tradeTickets); i++)
        {
         string sep = i > 0 ? "," : "";
         text += sep + "[" + SdJsonQuote(m_tradeTickets[i]) + "," + IntegerToString(m_tradeTimes[i]) + "]";
        }
      return text + "]}\n";
     }

   // Replaces everything with a saved state. An empty text is a first start.
   bool              Restore(const string text, string &error)
     {
      error = "";
      ArrayResize(m_records, 0);
      ArrayResize(m_updates, 0);
      ArrayResize(m_tradeTickets, 0);
      ArrayResize(m_tradeTimes, 0);
      SdSettingsDefaults(m_settings);
      m_warned = "";
      m_saved = text;
      if(text == "")
         return true;
      SdJson json;
      if(!json.ParseText(text))
        {
         error = "state file unreadable: " + json.Error();
         return false;
        }
      int root = json.Root();
      SdReadSettings(json, json.Find(root, "settings"), m_settings);
      m_warned = json.GetString(root, "warned", "");
      int records = json.Find(root, "records");
      for(int i = 0; i < json.Size(records); i++)
        {
         int n = ArraySize(m_records);
         ArrayResize(m_records, n + 1);
         SdReadRecord(json, json.Item(records, i), m_records[n]);
        }
      int updates = json.Find(root, "updates");
      for(int i = 0; i < json.Size(updates); i++)
        {
         int n = ArraySize(m_updates);
         ArrayResize(m_updates, n + 1);
         SdReadUpdateLog(json, json.Item(updates, i), m_updates[n]);
        }
      int trades = json.Find(root, "trades");
      for(int i = 0; i < json.Size(trades); i++)
        {
         int pair = json.Item(trades, i);
         int n = ArraySize(m_tradeTickets);
         ArrayResize(m_tradeTickets, n + 1);
         ArrayResize(m_tradeTimes, n + 1);
         m_tradeTickets[n] = json.Str(json.Item(pair, 0));
         m_tradeTimes[n] = (long)json.Num(json.Item(pair, 1));
        }
      return true;
     }

   // ---- settings ----

   // Clamps and adopts settings from a poll or hello; warnings are noted once per distinct set.
   void              ApplySettings(const SdSettings &raw)
     {
      SD_ARR(string, warnings);
      SdClampSettings(raw, m_settings, warnings);
      string text = "";
      for(int i = 0; i < ArraySize(warnings); i++)
         text += warnings[i] + "\n";
      if(text != "" && text != m_warned)
         for(int i = 0; i < ArraySize(warnings); i++)
            Note("settings v" + IntegerToString(raw.version) + ": " + warnings[i]);
      m_warned = text;
     }

   // ---- a poll answer ----

   void              OnPoll(SdPollAnswer &answer, SdBroker &broker, SdServer &server, SdStore &store, const long now)
     {
      m_transportFailed = false;
      if(answer.hasSettings)
         ApplySettings(answer.settings);
      for(int i = 0; i < ArraySize(answer.signals); i++)
         OnSignal(answer.signals[i], broker, server, store, now);
      for(int i = 0; i < ArraySize(answer.updates); i++)
         OnUpdate(answer.updates[i], broker, server, store, now);
      Persist(store);
     }

   void              OnSignal(const SdSignal &signal, SdBroker &broker, SdServer &server, SdStore &store, const long now)
     {
      int i = Find(signal.signalId);
      if(i >= 0 && m_records[i].phase != SD_PHASE_RECEIVED && m_records[i].phase != SD_PHASE_ACKED)
        {
         // Delivered again although handled: only the ACK did not reach the server. Never trade twice.
         server.Post("/api/v1/device/ack", SdAckBody(signal.signalId));
         return;
        }
      if(i < 0)
        {
         i = ArraySize(m_records);
         ArrayResize(m_records, i + 1);
         SdRecordFromSignal(m_records[i], signal, now);
         Persist(store);
        }
      if(m_records[i].phase == SD_PHASE_RECEIVED)
        {
         int status = server.Post("/api/v1/device/ack", SdAckBody(signal.signalId));
         if(status == 404)
           {
            SetPhase(i, SD_PHASE_DROPPED, now);
            Note(signal.signalId + ": not approved for this device (404), ignored");
            Persist(store);
            return;
           }
         if(status < 200 || status >= 300)
           {
            if(!SdReportSettled(status))
               m_transportFailed = true;
            Note(signal.signalId + ": ACK not accepted (HTTP " + IntegerToString(status) + "), will retry");
            return;
           }
         SetPhase(i, SD_PHASE_ACKED, now);
         Persist(store);
        }
      Execute(i, broker, server, store, now);
     }

   // From ACKED: refuse (with a reason the server records) or place the order.
   void              Execute(const int i, SdBroker &broker, SdServer &server, SdStore &store, const long now)
     {
      SdSignal signal;
      SdSignalFromRecord(signal, m_records[i]);
      if(m_settings.paused)
        {
         Fail(i, SD_ERR_PAUSED, "the device is paused in its settings", server, store, now);
         return;
        }
      string symbol = SdMapSymbol(m_settings, signal.instrument);
      m_records[i].symbol = symbol;
      SdSymbolSpec spec;
      if(!broker.SymbolSpec(symbol, spec))
        {
         Fail(i, SD_ERR_UNKNOWN_SYMBOL, "the broker has no symbol \"" + symbol + "\" (signal instrument " +
              signal.instrument + "; set symbolMap or symbolSuffix)", server, store, now);
         return;
        }
      SdEntryPlan plan;
      SdPlanEntry(signal, spec, m_settings, now, plan);
      if(plan.action == SD_PLAN_REFUSE)
        {
         Fail(i, plan.code, plan.message, server, store, now);
         return;
        }
      double lots = 0;
      string why = "";
      if(!SdComputeLots(m_settings, signal.volume, plan.price, signal.stopLoss, broker.Equity(), spec, lots, why))
        {
         Fail(i, SD_ERR_VOLUME, why, server, store, now);
         return;
        }
      SdOrderRequest request;
      request.symbol = symbol;
      request.kind = plan.kind;
      request.volume = lots;
      request.price = plan.price;
      request.stopLoss = signal.stopLoss;
      request.takeProfit = signal.takeProfit;
      request.slippagePoints = (int)m_settings.maxSlippagePoints;
      request.comment = signal.signalId;
      m_records[i].lots = lots;
      SetPhase(i, SD_PHASE_PLACING, now);
      // Saved before sending: if the terminal dies inside Place, the restart finds PLACING and
      // never sends this order a second time.
      Persist(store);
      SdOrderResult result;
      SdResultClear(result);
      if(!broker.Place(request, result))
        {
         Fail(i, result.retcode, "the broker refused the order: " + result.message, server, store, now);
         return;
        }
      if(plan.action == SD_PLAN_PENDING || result.pending)
        {
         m_records[i].orderTicket = result.orderTicket;
         SetPhase(i, SD_PHASE_PENDING, now);
         Note(signal.signalId + ": pending " + SdSideText(signal.side) + " " + signal.orderTypeText + " " + symbol + " " +
              SdJsonNumber(lots) + " @ " + SdJsonNumber(plan.price) + " (order " + IntegerToString(result.orderTicket) + ")");
         Persist(store);
         return;
        }
      Filled(i, result, server, store, now);
     }

   // ---- an update ----

   void              OnUpdate(const SdUpdate &update, SdBroker &broker, SdServer &server, SdStore &store, const long now)
     {
      for(int j = 0; j < ArraySize(m_updates); j++)
         if(m_updates[j].updateId == update.updateId)
           {
            ReportUpdate(j, server);
            return;
           }
      int i = Find(update.signalId);
      long ticket = i >= 0 ? m_records[i].positionTicket : StringToInteger(update.brokerTicket);
      if(i >= 0 && m_records[i].phase != SD_PHASE_OPEN)
        {
         LogUpdate(update, false, SD_ERR_NO_POSITION, "the signal's position is " + SdPhaseName(m_records[i].phase) +
                   " on this terminal", 0, 0, server, store, now);
         return;
        }
      SdPositionInfo info;
      if(ticket <= 0 || !broker.Position(ticket, info))
        {
         if(i >= 0)
            Closed(i, now);
         LogUpdate(update, false, SD_ERR_NO_POSITION, "no open position " + IntegerToString(ticket) +
                   " for this signal on this terminal (closed by stop loss, take profit or by hand?)", 0, 0, server, store, now);
         return;
        }
      if(update.action == 0)
        {
         LogUpdate(update, false, SD_ERR_BAD_UPDATE, "unknown action \"" + update.actionText + "\"", 0, 0, server, store, now);
         return;
        }
      // A restart in the middle of this very update: the volume tells whether the close happened.
      if(i >= 0 && m_records[i].applyingUpdateId == update.updateId && update.action != SD_ACTION_MODIFY &&
         info.volume < m_records[i].volumeBefore - 1e-9)
        {
         double closedVolume = m_records[i].volumeBefore - info.volume;
         m_records[i].applyingUpdateId = "";
         LogUpdate(update, true, 0, "", closedVolume, 0, server, store, now);
         return;
        }
      if(i >= 0)
        {
         m_records[i].applyingUpdateId = update.updateId;
         m_records[i].volumeBefore = info.volume;
         Persist(store);
        }
      ApplyUpdate(i, ticket, info, update, broker, server, store, now);
     }

   void              ApplyUpdate(const int i, const long ticket, const SdPositionInfo &info, const SdUpdate &update,
                                 SdBroker &broker, SdServer &server, SdStore &store, const long now)
     {
      SdOrderResult result;
      SdResultClear(result);
      if(update.action == SD_ACTION_MODIFY)
        {
         double sl = update.stopLoss > 0 ? update.stopLoss : info.stopLoss;
         double tp = update.takeProfit > 0 ? update.takeProfit : info.takeProfit;
         bool ok = broker.Modify(ticket, sl, tp, result);
         FinishUpdate(i, update, ok, result.retcode, "modify refused: " + result.message, 0, 0, server, store, now);
         return;
        }
      double volume = info.volume;
      if(update.action == SD_ACTION_CLOSE_PARTIAL)
        {
         if(!(update.fraction > 0) || !(update.fraction < 1))
           {
            FinishUpdate(i, update, false, SD_ERR_BAD_UPDATE, "fraction " + SdJsonNumber(update.fraction) +
                         " is not between 0 and 1", 0, 0, server, store, now);
            return;
           }
         SdSymbolSpec spec;
         if(!broker.SymbolSpec(info.symbol, spec))
           {
            FinishUpdate(i, update, false, SD_ERR_UNKNOWN_SYMBOL, "no symbol " + info.symbol, 0, 0, server, store, now);
            return;
           }
         volume = SdRoundDownToStep(info.volume * update.fraction, spec.volumeStep);
         if(volume < spec.volumeMin - 1e-9 || !(volume > 0))
           {
            FinishUpdate(i, update, false, SD_ERR_VOLUME, SdJsonNumber(update.fraction) + " of " + SdJsonNumber(info.volume) +
                         " lots is below the symbol's minimum " + SdJsonNumber(spec.volumeMin), 0, 0, server, store, now);
            return;
           }
        }
      bool ok = broker.Close(ticket, volume, (int)m_settings.maxSlippagePoints, result);
      if(ok && i >= 0 && update.action == SD_ACTION_CLOSE)
         Closed(i, now);
      FinishUpdate(i, update, ok, result.retcode, "close refused: " + result.message,
                   ok ? (result.volume > 0 ? result.volume : volume) : 0, ok ? result.price : 0, server, store, now);
     }

   void              FinishUpdate(const int i, const SdUpdate &update, const bool ok, const int code, const string message,
                                  const double closedVolume, const double closePrice, SdServer &server, SdStore &store,
                                  const long now)
     {
      if(i >= 0)
         m_records[i].applyingUpdateId = "";
      LogUpdate(update, ok, ok ? 0 : code, ok ? "" : message, closedVolume, closePrice, server, store, now);
     }

   void              LogUpdate(const SdUpdate &update, const bool applied, const int code, const string message,
                               const double closedVolume, const double closePrice, SdServer &server, SdStore &store,
                               const long now)
     {
      int j = ArraySize(m_updates);
      ArrayResize(m_updates, j + 1);
      m_updates[j].updateId = update.updateId;
      m_updates[j].signalId = update.signalId;
      m_updates[j].seq = update.seq;
      m_updates[j].applied = applied;
      m_updates[j].errorCode = code;
      m_updates[j].errorMessage = message;
      m_updates[j].closedVolume = closedVolume;
      m_updates[j].closePrice = closePrice;
      m_updates[j].reported = false;
      m_updates[j].at = now;
      Note(update.signalId + ": " + update.actionText + " #" + IntegerToString(update.seq) +
           (applied ? " applied" + (closedVolume > 0 ? ", closed " + SdJsonNumber(closedVolume) + " lots" : "")
                    : " failed (" + IntegerToString(code) + "): " + message));
      Persist(store);
      ReportUpdate(j, server);
      Persist(store);
     }

   // ---- the timer: restarts, pending orders, closed positions, unsent reports ----

   void              Tick(SdBroker &broker, SdServer &server, SdStore &store, const long now)
     {
      m_transportFailed = false;
      for(int i = 0; i < ArraySize(m_records); i++)
        {
         int phase = m_records[i].phase;
         if(phase == SD_PHASE_PLACING)
            Adopt(i, broker, server, store, now);
         else if(phase == SD_PHASE_ACKED)
            Execute(i, broker, server, store, now);
         else if(phase == SD_PHASE_PENDING)
            WatchPending(i, broker, server, store, now);
         else if(phase == SD_PHASE_OPEN)
           {
            SdPositionInfo info;
            if(!broker.Position(m_records[i].positionTicket, info))
              {
               Closed(i, now);
               Note(m_records[i].signalId + ": position " + IntegerToString(m_records[i].positionTicket) + " closed");
               Persist(store);
              }
           }
        }
      FlushReports(server, store);
      Prune(now);
      Persist(store);
     }

   // Sends what the server does not have yet, stopping at the first transport failure.
   void              FlushReports(SdServer &server, SdStore &store)
     {
      for(int i = 0; i < ArraySize(m_records) && !m_transportFailed; i++)
        {
         int phase = m_records[i].phase;
         if((phase == SD_PHASE_OPEN || phase == SD_PHASE_CLOSED) && !m_records[i].fillReported)
            ReportFill(i, server);
         else if(phase == SD_PHASE_FAILED && !m_records[i].errorReported)
            ReportError(i, server);
        }
      for(int j = 0; j < ArraySize(m_updates) && !m_transportFailed; j++)
         if(!m_updates[j].reported)
            ReportUpdate(j, server);
      Persist(store);
     }

   // Reports each closed trade once; `deals` may hold the whole history of several positions.
   void              ReportClosedTrades(SD_ARR_CREF(SdDeal, deals), const string currency, SdServer &server,
                                        SdStore &store, const long now)
     {
      SD_ARR(SdClosedTrade, trades);
      SdBuildClosedTrades(deals, trades);
      for(int k = 0; k < ArraySize(trades) && !m_transportFailed; k++)
        {
         if(TradeReported(trades[k].ticket))
            continue;
         int i = FindByPosition(trades[k].positionId);
         string signalId = i >= 0 ? m_records[i].signalId : "";
         string instrument = i >= 0 ? m_records[i].instrument : trades[k].symbol;
         int status = server.Post("/api/v1/device/trades", SdTradeBody(trades[k], instrument, currency, signalId));
         if(!SdReportSettled(status))
           {
            m_transportFailed = true;
            break;
           }
         if(status >= 400)
            Note("trade " + trades[k].ticket + " refused by the server (HTTP " + IntegerToString(status) + ")");
         int n = ArraySize(m_tradeTickets);
         ArrayResize(m_tradeTickets, n + 1);
         ArrayResize(m_tradeTimes, n + 1);
         m_tradeTickets[n] = trades[k].ticket;
         m_tradeTimes[n] = now;
        }
      Persist(store);
     }

private:
   void              Note(const string text)
     {
      int n = ArraySize(m_notes);
      ArrayResize(m_notes, n + 1);
      m_notes[n] = text;
      m_lastEvent = text;
     }

   // Writes the state when it changed (the timer calls this every second).
   void              Persist(SdStore &store)
     {
      string text = Serialize();
      if(text == m_saved)
         return;
      if(store.Save(text))
         m_saved = text;
     }

   void              SetPhase(const int i, const int phase, const long now)
     {
      m_records[i].phase = phase;
      m_records[i].updatedAt = now;
     }

   void              Closed(const int i, const long now)
     {
      SetPhase(i, SD_PHASE_CLOSED, now);
      m_records[i].closedAt = now;
      m_records[i].applyingUpdateId = "";
     }

   void              Fail(const int i, const int code, const string message, SdServer &server, SdStore &store, const long now)
     {
      SetPhase(i, SD_PHASE_FAILED, now);
      m_records[i].errorCode = code;
      m_records[i].errorMessage = message;
      m_records[i].errorReported = false;
      Note(m_records[i].signalId + ": not traded (" + IntegerToString(code) + "): " + message);
      Persist(store);
      ReportError(i, server);
      Persist(store);
     }

   void              Filled(const int i, const SdOrderResult &result, SdServer &server, SdStore &store, const long now)
     {
      m_records[i].positionTicket = result.positionTicket;
      if(result.orderTicket > 0)
         m_records[i].orderTicket = result.orderTicket;
      m_records[i].fillPrice = result.price;
      m_records[i].fillVolume = result.volume > 0 ? result.volume : m_records[i].lots;
      m_records[i].filledAt = result.time > 0 ? result.time : now;
      m_records[i].fillReported = false;
      SetPhase(i, SD_PHASE_OPEN, now);
      Note(m_records[i].signalId + ": filled " + SdSideText(m_records[i].side) + " " + m_records[i].symbol + " " +
           SdJsonNumber(m_records[i].fillVolume) + " @ " + SdJsonNumber(result.price) + " (position " +
           IntegerToString(result.positionTicket) + ")");
      Persist(store);
      ReportFill(i, server);
      Persist(store);
     }

   // A record found in PLACING after a restart: the order may or may not have reached the broker.
   void              Adopt(const int i, SdBroker &broker, SdServer &server, SdStore &store, const long now)
     {
      SdOrderResult found;
      SdResultClear(found);
      if(!broker.FindBySignal(m_records[i].signalId, found))
        {
         Fail(i, SD_ERR_RESTART, "the terminal stopped while this order was being sent and the broker shows no order "
              "for it; not sent again, so it can never be placed twice", server, store, now);
         return;
        }
      if(found.pending)
        {
         m_records[i].orderTicket = found.orderTicket;
         SetPhase(i, SD_PHASE_PENDING, now);
         Note(m_records[i].signalId + ": found pending order " + IntegerToString(found.orderTicket) + " after a restart");
         Persist(store);
         return;
        }
      Filled(i, found, server, store, now);
     }

   void              WatchPending(const int i, SdBroker &broker, SdServer &server, SdStore &store, const long now)
     {
      SdOrderResult result;
      SdResultClear(result);
      int state = broker.PendingState(m_records[i].orderTicket, result);
      if(state == SD_PENDING_FILLED)
        {
         Filled(i, result, server, store, now);
         return;
        }
      if(state == SD_PENDING_GONE)
        {
         Fail(i, SD_ERR_PENDING_GONE, "pending order " + IntegerToString(m_records[i].orderTicket) + " was removed: " +
              result.message, server, store, now);
         return;
        }
      if(m_records[i].expiresAt > 0 && now >= m_records[i].expiresAt)
        {
         SdOrderResult cancel;
         SdResultClear(cancel);
         if(broker.CancelPending(m_records[i].orderTicket, cancel))
            Fail(i, SD_ERR_PENDING_EXPIRED, "pending order " + IntegerToString(m_records[i].orderTicket) +
                 " did not trigger before the signal expired at " + SdFormatIso(m_records[i].expiresAt) + "; removed",
                 server, store, now);
        }
     }

   void              ReportFill(const int i, SdServer &server)
     {
      string ticket = IntegerToString(m_records[i].positionTicket);
      int status = server.Post("/api/v1/device/fill", SdFillBody(m_records[i].signalId, m_records[i].fillPrice,
                                                                 m_records[i].fillVolume, ticket, m_records[i].filledAt));
      Settle(status, m_records[i].signalId + ": fill report");
      if(SdReportSettled(status))
         m_records[i].fillReported = true;
     }

   void              ReportError(const int i, SdServer &server)
     {
      int status = server.Post("/api/v1/device/error", SdErrorBody(m_records[i].signalId, m_records[i].errorCode,
                                                                   m_records[i].errorMessage));
      Settle(status, m_records[i].signalId + ": error report");
      if(SdReportSettled(status))
         m_records[i].errorReported = true;
     }

   void              ReportUpdate(const int j, SdServer &server)
     {
      int status = server.Post("/api/v1/device/update-result",
                               SdUpdateResultBody(m_updates[j].updateId, m_updates[j].applied, m_updates[j].errorCode,
                                                  m_updates[j].errorMessage, m_updates[j].closedVolume,
                                                  m_updates[j].closePrice));
      Settle(status, m_updates[j].signalId + ": update result");
      if(SdReportSettled(status))
         m_updates[j].reported = true;
     }

   void              Settle(const int status, const string what)
     {
      if(!SdReportSettled(status))
         m_transportFailed = true;
      else if(status >= 400)
         Note(what + " refused by the server (HTTP " + IntegerToString(status) + "), not resent");
     }

   // Forgets finished, fully reported signals after 30 days and trade tickets after 90.
   void              Prune(const long now)
     {
      int keep = 0;
      for(int i = 0; i < ArraySize(m_records); i++)
        {
         int phase = m_records[i].phase;
         // RECEIVED: never ACKed, and the server stopped offering it (cancelled or expired).
         bool finished = (phase == SD_PHASE_CLOSED && m_records[i].fillReported) ||
                         (phase == SD_PHASE_FAILED && m_records[i].errorReported) || phase == SD_PHASE_DROPPED ||
                         phase == SD_PHASE_RECEIVED;
         if(finished && now - m_records[i].updatedAt > SD_KEEP_SECONDS)
            continue;
         if(keep != i)
            SdRecordCopy(m_records[keep], m_records[i]);
         keep++;
        }
      ArrayResize(m_records, keep);
      keep = 0;
      for(int j = 0; j < ArraySize(m_updates); j++)
        {
         if(m_updates[j].reported && now - m_updates[j].at > SD_KEEP_SECONDS)
            continue;
         if(keep != j)
            SdUpdateLogCopy(m_updates[keep], m_updates[j]);
         keep++;
        }
      ArrayResize(m_updates, keep);
      keep = 0;
      for(int k = 0; k < ArraySize(m_tradeTickets); k++)
        {
         if(now - m_tradeTimes[k] > SD_KEEP_TRADE_SECONDS)
            continue;
         m_tradeTickets[keep] = m_tradeTickets[k];
         m_tradeTimes[keep] = m_tradeTimes[k];
         keep++;
        }
      ArrayResize(m_tradeTickets, keep);
      ArrayResize(m_tradeTimes, keep);
     }
  };

#endif
