// The text of the status panel on the chart. The EA draws one label per line.
#ifndef SD_PANEL_MQH
#define SD_PANEL_MQH

#include "Compat.mqh"
#include "IsoTime.mqh"

struct SdPanelState
  {
   bool              configured;
   int               lastStatus;      // HTTP status of the last poll; 0 before the first, -1 no answer
   int               lastError;       // GetLastError() after a failed WebRequest
   long              retryIn;         // seconds until the next attempt while backing off
   string            url;
   long              now;
   long              lastPollAt;      // 0: never
   int               openPositions;
   int               pendingOrders;
   bool              paused;
   bool              tradeAllowed;    // AutoTrading on and allowed for this EA
   string            settingsText;
   long              settingsVersion;
   string            lastEvent;
  };

string SdAgo(const long seconds)
  {
   if(seconds < 120) return IntegerToString(seconds < 0 ? 0 : seconds) + " s ago";
   if(seconds < 7200) return IntegerToString(seconds / 60) + " min ago";
   return IntegerToString(seconds / 3600) + " h ago";
  }

// What the connection line says, from the last poll's outcome.
string SdConnectionText(const SdPanelState &p)
  {
   if(!p.configured)
      return "NOT CONFIGURED: enter the device id and secret in the inputs";
   string retry = p.retryIn > 0 ? "; retry in " + IntegerToString(p.retryIn) + " s" : "";
   if(p.lastStatus == 0)
      return "connecting...";
   if(p.lastStatus == 200)
      return "connected";
   if(p.lastStatus == 401)
      return "REJECTED (401): check device id, secret and the PC clock" + retry;
   if(p.lastStatus == 429)
      return "rate limited (429)" + retry;
   if(p.lastStatus > 0)
      return "server answered HTTP " + IntegerToString(p.lastStatus) + retry;
   if(p.lastError == 4014)
      return "WebRequest NOT ALLOWED: add " + p.url + " in Tools > Options > Expert Advisors";
   if(p.lastError == 5200)
      return "invalid server URL " + p.url;
   if(p.lastError == 5202)
      return "timed out" + retry;
   return "no connection (error " + IntegerToString(p.lastError) + ")" + retry;
  }

void SdPanelLines(const SdPanelState &p, SD_ARR_REF(string, lines))
  {
   ArrayResize(lines, 6);
   lines[0] = "SignalDesk: " + SdConnectionText(p);
   lines[1] = "Last poll: " + (p.lastPollAt > 0 ? StringSubstr(SdFormatIso(p.lastPollAt), 11, 8) + " UTC (" +
              SdAgo(p.now - p.lastPollAt) + ")" : "never");
   lines[2] = "Open signal positions: " + IntegerToString(p.openPositions) +
              (p.pendingOrders > 0 ? ", pending orders: " + IntegerToString(p.pendingOrders) : "");
   string trading = p.paused ? "PAUSED in the device settings"
                  : (p.tradeAllowed ? "active" : "BLOCKED: AutoTrading is off or not allowed for this EA");
   lines[3] = "Trading: " + trading;
   lines[4] = "Settings v" + IntegerToString(p.settingsVersion) + ": " + p.settingsText;
   lines[5] = "Last: " + (p.lastEvent == "" ? "-" : p.lastEvent);
  }

// Splits the panel lines into pieces of at most `width` characters, at spaces where possible
// (a chart label shows at most 63 characters); continuation pieces are indented.
void SdWrapLines(SD_ARR_CREF(string, lines), const int width, SD_ARR_REF(string, out))
  {
   ArrayResize(out, 0);
   for(int i = 0; i < ArraySize(lines); i++)
     {
      string rest = lines[i];
      bool first = true;
      while(true)
        {
         string piece = first ? rest : "   " + rest;
         int limit = first ? width : width - 3;
         int n = ArraySize(out);
         ArrayResize(out, n + 1);
         if(StringLen(piece) <= width)
           {
            out[n] = piece;
            break;
           }
         int cut = limit;
         while(cut > limit / 2 && StringGetCharacter(rest, cut) != ' ')
            cut--;
         if(cut <= limit / 2)
            cut = limit;
         out[n] = (first ? "" : "   ") + StringSubstr(rest, 0, cut);
         rest = StringSubstr(rest, cut);
         StringTrimLeft(rest);
         first = false;
        }
     }
  }

#endif
