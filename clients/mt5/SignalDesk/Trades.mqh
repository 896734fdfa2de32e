// Closed trades from the account's deal history, bot and manual alike (POST /device/trades).
// Deals are grouped by position; a trade is reported once its position's volume is back to zero.
// Netting accounts can reverse a position with one INOUT deal: the part up to the reversal is
// one trade (ticket "<position>"), what follows is the next ("<position>-1", ...).
#ifndef SD_TRADES_MQH
#define SD_TRADES_MQH

#include "Compat.mqh"
#include "Protocol.mqh"

// Same numbers as MQL5's ENUM_DEAL_ENTRY.
#define SD_DEAL_IN 0
#define SD_DEAL_OUT 1
#define SD_DEAL_INOUT 2
#define SD_DEAL_OUT_BY 3

struct SdDeal
  {
   long              ticket;
   long              positionId;
   int               entry;      // SD_DEAL_*
   int               side;       // SD_SIDE_* of the deal itself
   double            volume;
   double            price;
   double            money;      // profit + swap + commission + fee, account currency
   long              time;       // UTC Unix seconds
   string            symbol;
  };

struct SdClosedTrade
  {
   string            ticket;
   long              positionId;
   string            symbol;
   int               side;
   double            volume;
   double            openPrice;
   double            closePrice;
   double            profit;
   long              openedAt;
   long              closedAt;
  };

// Decimal places of a currency's minor unit (ISO 4217): 0 for JPY and friends, 3 for the
// dinars, 2 otherwise.
int SdCurrencyDigits(const string currency)
  {
   string zero = ",BIF,CLP,DJF,GNF,ISK,JPY,KMF,KRW,PYG,RWF,UGX,UYI,VND,VUV,XAF,XOF,XPF,";
   string three = ",BHD,IQD,JOD,KWD,LYD,OMR,TND,";
   if(StringFind(zero, "," + currency + ",") >= 0) return 0;
   if(StringFind(three, "," + currency + ",") >= 0) return 3;
   return 2;
  }

long SdProfitMinor(const double profit, const string currency)
  {
   return (long)MathRound(profit * MathPow(10.0, SdCurrencyDigits(currency)));
  }

void SdPushTrade(SD_ARR_REF(SdClosedTrade, out), const long positionId, const int segment, const string symbol,
                 const int side, const double inVolume, const double inValue, const double outVolume,
                 const double outValue, const double money, const long openedAt, const long closedAt)
  {
   if(!(inVolume > 0) || !(outVolume > 0))
      return;
   int n = ArraySize(out);
   ArrayResize(out, n + 1);
   out[n].ticket = segment == 0 ? IntegerToString(positionId) : IntegerToString(positionId) + "-" + IntegerToString(segment);
   out[n].positionId = positionId;
   out[n].symbol = symbol;
   out[n].side = side;
   out[n].volume = inVolume;
   out[n].openPrice = inValue / inVolume;
   out[n].closePrice = outValue / outVolume;
   out[n].profit = money;
   out[n].openedAt = openedAt;
   out[n].closedAt = closedAt;
  }

// Whether deal a comes before deal b in a position's history.
bool SdDealBefore(SD_ARR_CREF(SdDeal, deals), const int a, const int b)
  {
   if(deals[a].time != deals[b].time)
      return deals[a].time < deals[b].time;
   return deals[a].ticket < deals[b].ticket;
  }

// The closed trades in `deals` (any order, any mix of positions). A position whose history
// does not start with an IN deal is skipped: it cannot be valued without its opening.
void SdBuildClosedTrades(SD_ARR_CREF(SdDeal, deals), SD_ARR_REF(SdClosedTrade, out))
  {
   ArrayResize(out, 0);
   int total = ArraySize(deals);
   SD_ARR(int, done);
   ArrayResize(done, total);
   for(int i = 0; i < total; i++)
      done[i] = 0;
   for(int first = 0; first < total; first++)
     {
      if(done[first] != 0)
         continue;
      long position = deals[first].positionId;
      SD_ARR(int, idx);
      for(int i = first; i < total; i++)
         if(done[i] == 0 && deals[i].positionId == position)
           {
            done[i] = 1;
            int n = ArraySize(idx);
            ArrayResize(idx, n + 1);
            idx[n] = i;
            for(int j = n; j > 0 && SdDealBefore(deals, idx[j], idx[j - 1]); j--)
              {
               int tmp = idx[j];
               idx[j] = idx[j - 1];
               idx[j - 1] = tmp;
              }
           }
      double open = 0, inVolume = 0, inValue = 0, outVolume = 0, outValue = 0, money = 0;
      int side = 0, segment = 0;
      long openedAt = 0;
      bool valid = true;
      for(int k = 0; k < ArraySize(idx) && valid; k++)
        {
         int d = idx[k];
         double v = deals[d].volume;
         double p = deals[d].price;
         if(deals[d].entry == SD_DEAL_IN)
           {
            if(open <= 1e-9)
              {
               side = deals[d].side;
               openedAt = deals[d].time;
               inVolume = 0; inValue = 0; outVolume = 0; outValue = 0; money = 0;
              }
            open += v;
            inVolume += v;
            inValue += p * v;
            money += deals[d].money;
           }
         else if(deals[d].entry == SD_DEAL_OUT || deals[d].entry == SD_DEAL_OUT_BY)
           {
            if(open <= 1e-9)
              {
               valid = false;
               break;
              }
            double closed = v < open ? v : open;
            outVolume += closed;
            outValue += p * closed;
            money += deals[d].money;
            open -= v;
            if(open <= 1e-9)
              {
               SdPushTrade(out, position, segment, deals[d].symbol, side, inVolume, inValue, outVolume, outValue,
                           money, openedAt, deals[d].time);
               segment++;
               open = 0;
              }
           }
         else if(deals[d].entry == SD_DEAL_INOUT)
           {
            if(open <= 1e-9)
              {
               valid = false;
               break;
              }
            outVolume += open;
            outValue += p * open;
            money += deals[d].money;
            SdPushTrade(out, position, segment, deals[d].symbol, side, inVolume, inValue, outVolume, outValue, money,
                        openedAt, deals[d].time);
            segment++;
            double rest = v - open;
            open = rest > 1e-9 ? rest : 0;
            side = deals[d].side;
            openedAt = deals[d].time;
            inVolume = open; inValue = p * open; outVolume = 0; outValue = 0; money = 0;
           }
        }
      if(!valid)
        {
         for(int i = ArraySize(out) - 1; i >= 0 && out[i].positionId == position; i--)
            ArrayResize(out, i);
        }
     }
  }

string SdTradeBody(const SdClosedTrade &t, const string instrument, const string currency, const string signalId)
  {
   string name = StringLen(instrument) > 32 ? StringSubstr(instrument, 0, 32) : instrument;
   return "{\"ticket\":" + SdJsonQuote(t.ticket) + ",\"instrument\":" + SdJsonQuote(name) +
          ",\"side\":" + SdJsonQuote(SdSideText(t.side)) + ",\"volume\":" + SdJsonNumber(t.volume) +
          ",\"openPrice\":" + SdJsonNumber(t.openPrice, 8) + ",\"closePrice\":" + SdJsonNumber(t.closePrice, 8) +
          ",\"profitMinor\":" + IntegerToString(SdProfitMinor(t.profit, currency)) +
          ",\"currency\":" + SdJsonQuote(currency) + ",\"openedAt\":" + SdJsonQuote(SdFormatIso(t.openedAt)) +
          ",\"closedAt\":" + SdJsonQuote(SdFormatIso(t.closedAt)) +
          ",\"signalId\":" + (signalId == "" ? "null" : SdJsonQuote(signalId)) + "}";
  }

#endif
