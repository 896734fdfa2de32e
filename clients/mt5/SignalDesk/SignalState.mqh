// What the EA remembers per signal, so that a restart (terminal, EA, VPS) resumes where it left
// off and never sends a second order for one signal. Saved as JSON after every change (the
// terminal glue writes it to a file, replacing the old one only once the new one is complete).
//
// Phases of one signal on this terminal:
//   RECEIVED  seen in a poll, not yet ACKed             -> ACKED, or DROPPED on 404
//   ACKED     the server knows we have it; no order yet -> PLACING, or FAILED (refused)
//   PLACING   saved just BEFORE the order is sent       -> PENDING / OPEN / FAILED
//             (found in this phase after a restart: adopt the order if the terminal has it,
//             otherwise report SD_ERR_RESTART; never send it again)
//   PENDING   a limit/stop order waits for its price    -> OPEN when it fills, FAILED if it is removed
//   OPEN      the position exists                       -> CLOSED
//   CLOSED, FAILED, DROPPED are final.
#ifndef SD_SIGNAL_STATE_MQH
#define SD_SIGNAL_STATE_MQH

#include "Compat.mqh"
#include "Json.mqh"
#include "Protocol.mqh"
#include "Settings.mqh"

#define SD_PHASE_RECEIVED 1
#define SD_PHASE_ACKED 2
#define SD_PHASE_PLACING 3
#define SD_PHASE_PENDING 4
#define SD_PHASE_OPEN 5
#define SD_PHASE_CLOSED 6
#define SD_PHASE_FAILED 7
#define SD_PHASE_DROPPED 8

#define SD_STATE_FORMAT 1

struct SdRecord
  {
   string            signalId;
   string            instrument;
   int               side;
   int               orderType;
   double            entryPrice;
   double            stopLoss;
   double            takeProfit;
   double            volume;
   long              expiresAt;
   int               phase;
   string            symbol;
   double            lots;
   long              orderTicket;
   long              positionTicket;
   double            fillPrice;
   double            fillVolume;
   long              filledAt;
   bool              fillReported;
   int               errorCode;
   string            errorMessage;
   bool              errorReported;
   string            applyingUpdateId;   // an update being applied: guards a restart mid-trade
   double            volumeBefore;
   long              closedAt;
   long              updatedAt;
  };

// The result of one update on this terminal, kept until the server has it.
struct SdUpdateLog
  {
   string            updateId;
   string            signalId;
   long              seq;
   bool              applied;
   int               errorCode;
   string            errorMessage;
   double            closedVolume;
   double            closePrice;
   bool              reported;
   long              at;
  };

string SdPhaseName(const int phase)
  {
   switch(phase)
     {
      case SD_PHASE_RECEIVED: return "received";
      case SD_PHASE_ACKED: return "acked";
      case SD_PHASE_PLACING: return "placing";
      case SD_PHASE_PENDING: return "pending";
      case SD_PHASE_OPEN: return "open";
      case SD_PHASE_CLOSED: return "closed";
      case SD_PHASE_FAILED: return "failed";
      case SD_PHASE_DROPPED: return "dropped";
     }
   return "?";
  }

void SdRecordFromSignal(SdRecord &r, const SdSignal &s, const long now)
  {
   r.signalId = s.signalId;
   r.instrument = s.instrument;
   r.side = s.side;
   r.orderType = s.orderType;
   r.entryPrice = s.entryPrice;
   r.stopLoss = s.stopLoss;
   r.takeProfit = s.takeProfit;
   r.volume = s.volume;
   r.expiresAt = s.expiresAt;
   r.phase = SD_PHASE_RECEIVED;
   r.symbol = "";
   r.lots = 0;
   r.orderTicket = 0;
   r.positionTicket = 0;
   r.fillPrice = 0;
   r.fillVolume = 0;
   r.filledAt = 0;
   r.fillReported = false;
   r.errorCode = 0;
   r.errorMessage = "";
   r.errorReported = false;
   r.applyingUpdateId = "";
   r.volumeBefore = 0;
   r.closedAt = 0;
   r.updatedAt = now;
  }

// The signal as the record remembers it (to resume placing after a restart between ACK and order).
void SdSignalFromRecord(SdSignal &s, const SdRecord &r)
  {
   s.signalId = r.signalId;
   s.instrument = r.instrument;
   s.side = r.side;
   s.orderType = r.orderType;
   s.sideText = SdSideText(r.side);
   s.orderTypeText = r.orderType == SD_ORDER_LIMIT ? "limit" : (r.orderType == SD_ORDER_STOP ? "stop" : "market");
   s.entryPrice = r.entryPrice;
   s.stopLoss = r.stopLoss;
   s.takeProfit = r.takeProfit;
   s.volume = r.volume;
   s.expiresAt = r.expiresAt;
  }

void SdRecordCopy(SdRecord &d, const SdRecord &s)
  {
   d.signalId = s.signalId; d.instrument = s.instrument; d.side = s.side; d.orderType = s.orderType;
   d.entryPrice = s.entryPrice; d.stopLoss = s.stopLoss; d.takeProfit = s.takeProfit; d.volume = s.volume;
   d.expiresAt = s.expiresAt; d.phase = s.phase; d.symbol = s.symbol; d.lots = s.lots;
   d.orderTicket = s.orderTicket; d.positionTicket = s.positionTicket; d.fillPrice = s.fillPrice;
   d.fillVolume = s.fillVolume; d.filledAt = s.filledAt; d.fillReported = s.fillReported;
   d.errorCode = s.errorCode; d.errorMessage = s.errorMessage; d.errorReported = s.errorReported;
   d.applyingUpdateId = s.applyingUpdateId; d.volumeBefore = s.volumeBefore; d.closedAt = s.closedAt;
   d.updatedAt = s.updatedAt;
  }

void SdUpdateLogCopy(SdUpdateLog &d, const SdUpdateLog &s)
  {
   d.updateId = s.updateId; d.signalId = s.signalId; d.seq = s.seq; d.applied = s.applied;
   d.errorCode = s.errorCode; d.errorMessage = s.errorMessage; d.closedVolume = s.closedVolume;
   d.closePrice = s.closePrice; d.reported = s.reported; d.at = s.at;
  }

string SdBoolJson(const bool v) { return v ? "true" : "false"; }
string SdLongJson(const long v) { return IntegerToString(v); }

// DeviceSettings in the API's own shape, so SdReadSettings reads the saved copy back.
string SdSettingsJson(const SdSettings &s)
  {
   string map = "{";
   for(int i = 0; i < ArraySize(s.mapFrom); i++)
      map += (i > 0 ? "," : "") + SdJsonQuote(s.mapFrom[i]) + ":" + SdJsonQuote(s.mapTo[i]);
   map += "}";
   return "{\"version\":" + SdLongJson(s.version) + ",\"sizing\":{\"mode\":" + SdJsonQuote(s.sizingMode) +
          ",\"value\":" + SdJsonNumber(s.sizingValue) + "},\"maxLots\":" +
          (s.hasMaxLots ? SdJsonNumber(s.maxLots) : "null") + ",\"symbolMap\":" + map + ",\"symbolSuffix\":" +
          SdJsonQuote(s.symbolSuffix) + ",\"maxSlippagePoints\":" + SdJsonNumber(s.maxSlippagePoints) +
          ",\"maxEntryDeviationPct\":" + (s.hasDeviation ? SdJsonNumber(s.maxEntryDeviationPct) : "null") +
          ",\"paused\":" + SdBoolJson(s.paused) + "}";
  }

string SdRecordJson(const SdRecord &r)
  {
   return "{\"signalId\":" + SdJsonQuote(r.signalId) + ",\"instrument\":" + SdJsonQuote(r.instrument) +
          ",\"side\":" + IntegerToString(r.side) + ",\"orderType\":" + IntegerToString(r.orderType) +
          ",\"entryPrice\":" + SdJsonNumber(r.entryPrice) + ",\"stopLoss\":" + SdJsonNumber(r.stopLoss) +
          ",\"takeProfit\":" + SdJsonNumber(r.takeProfit) + ",\"volume\":" + SdJsonNumber(r.volume) +
          ",\"expiresAt\":" + SdLongJson(r.expiresAt) + ",\"phase\":" + IntegerToString(r.phase) +
          ",\"symbol\":" + SdJsonQuote(r.symbol) + ",\"lots\":" + SdJsonNumber(r.lots) +
          ",\"orderTicket\":" + SdJsonQuote(SdLongJson(r.orderTicket)) +
          ",\"positionTicket\":" + SdJsonQuote(SdLongJson(r.positionTicket)) +
          ",\"fillPrice\":" + SdJsonNumber(r.fillPrice) + ",\"fillVolume\":" + SdJsonNumber(r.fillVolume) +
          ",\"filledAt\":" + SdLongJson(r.filledAt) + ",\"fillReported\":" + SdBoolJson(r.fillReported) +
          ",\"errorCode\":" + IntegerToString(r.errorCode) + ",\"errorMessage\":" + SdJsonQuote(r.errorMessage) +
          ",\"errorReported\":" + SdBoolJson(r.errorReported) +
          ",\"applying\":" + SdJsonQuote(r.applyingUpdateId) + ",\"volumeBefore\":" + SdJsonNumber(r.volumeBefore) +
          ",\"closedAt\":" + SdLongJson(r.closedAt) + ",\"updatedAt\":" + SdLongJson(r.updatedAt) + "}";
  }

string SdUpdateLogJson(const SdUpdateLog &u)
  {
   return "{\"updateId\":" + SdJsonQuote(u.updateId) + ",\"signalId\":" + SdJsonQuote(u.signalId) +
          ",\"seq\":" + SdLongJson(u.seq) + ",\"applied\":" + SdBoolJson(u.applied) +
          ",\"errorCode\":" + IntegerToString(u.errorCode) + ",\"errorMessage\":" + SdJsonQuote(u.errorMessage) +
          ",\"closedVolume\":" + SdJsonNumber(u.closedVolume) + ",\"closePrice\":" + SdJsonNumber(u.closePrice) +
          ",\"reported\":" + SdBoolJson(u.reported) + ",\"at\":" + SdLongJson(u.at) + "}";
  }

long SdLongOf(SdJson &json, const int obj, const string key)
  {
   int v = json.Find(obj, key);
   if(json.IsString(v))
      return StringToInteger(json.Str(v));
   return (long)json.GetNumber(obj, key, 0);
  }

void SdReadRecord(SdJson &json, const int t, SdRecord &r)
  {
   r.signalId = json.GetString(t, "signalId", "");
   r.instrument = json.GetString(t, "instrument", "");
   r.side = (int)json.GetNumber(t, "side", 0);
   r.orderType = (int)json.GetNumber(t, "orderType", 0);
   r.entryPrice = json.GetNumber(t, "entryPrice", 0);
   r.stopLoss = json.GetNumber(t, "stopLoss", 0);
   r.takeProfit = json.GetNumber(t, "takeProfit", 0);
   r.volume = json.GetNumber(t, "volume", 0);
   r.expiresAt = SdLongOf(json, t, "expiresAt");
   r.phase = (int)json.GetNumber(t, "phase", 0);
   r.symbol = json.GetString(t, "symbol", "");
   r.lots = json.GetNumber(t, "lots", 0);
   r.orderTicket = SdLongOf(json, t, "orderTicket");
   r.positionTicket = SdLongOf(json, t, "positionTicket");
   r.fillPrice = json.GetNumber(t, "fillPrice", 0);
   r.fillVolume = json.GetNumber(t, "fillVolume", 0);
   r.filledAt = SdLongOf(json, t, "filledAt");
   r.fillReported = json.GetBool(t, "fillReported", false);
   r.errorCode = (int)json.GetNumber(t, "errorCode", 0);
   r.errorMessage = json.GetString(t, "errorMessage", "");
   r.errorReported = json.GetBool(t, "errorReported", false);
   r.applyingUpdateId = json.GetString(t, "applying", "");
   r.volumeBefore = json.GetNumber(t, "volumeBefore", 0);
   r.closedAt = SdLongOf(json, t, "closedAt");
   r.updatedAt = SdLongOf(json, t, "updatedAt");
  }

void SdReadUpdateLog(SdJson &json, const int t, SdUpdateLog &u)
  {
   u.updateId = json.GetString(t, "updateId", "");
   u.signalId = json.GetString(t, "signalId", "");
   u.seq = SdLongOf(json, t, "seq");
   u.applied = json.GetBool(t, "applied", false);
   u.errorCode = (int)json.GetNumber(t, "errorCode", 0);
   u.errorMessage = json.GetString(t, "errorMessage", "");
   u.closedVolume = json.GetNumber(t, "closedVolume", 0);
   u.closePrice = json.GetNumber(t, "closePrice", 0);
   u.reported = json.GetBool(t, "reported", false);
   u.at = SdLongOf(json, t, "at");
  }

#endif
