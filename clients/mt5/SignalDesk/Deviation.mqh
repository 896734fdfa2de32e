// Whether and how an entry is placed: refused past expiresAt, refused when the market is further
// from the signal's entry price than maxEntryDeviationPct, a pending order when the entry is
// still ahead of the market, or at market when a limit is already better than its price or a
// stop has already been passed (what the broker would do with such an order anyway).
#ifndef SD_DEVIATION_MQH
#define SD_DEVIATION_MQH

#include "Compat.mqh"
#include "Protocol.mqh"
#include "Sizing.mqh"

#define SD_PLAN_REFUSE 0
#define SD_PLAN_MARKET 1
#define SD_PLAN_PENDING 2

// Same numbers as MQL5's ENUM_ORDER_TYPE, so the glue casts them directly.
#define SD_KIND_BUY 0
#define SD_KIND_SELL 1
#define SD_KIND_BUY_LIMIT 2
#define SD_KIND_SELL_LIMIT 3
#define SD_KIND_BUY_STOP 4
#define SD_KIND_SELL_STOP 5

struct SdEntryPlan
  {
   int               action;   // SD_PLAN_*
   int               kind;     // SD_KIND_*
   double            price;    // the price sizing uses: the market price, or the pending order's
   int               code;     // SD_ERR_* when refused
   string            message;
  };

// The distance between `price` and `entry` as a percentage of `entry`.
double SdDeviationPct(const double price, const double entry)
  {
   if(!(entry > 0))
      return 0;
   return MathAbs(price - entry) / entry * 100.0;
  }

void SdRefuse(SdEntryPlan &plan, const int code, const string message)
  {
   plan.action = SD_PLAN_REFUSE;
   plan.code = code;
   plan.message = message;
  }

// At market, unless the price has moved further from `entry` than the deviation limit allows.
void SdPlanMarket(SdEntryPlan &plan, const int side, const double price, const double entry, const SdSettings &s,
                  const int digits)
  {
   plan.kind = side == SD_SIDE_BUY ? SD_KIND_BUY : SD_KIND_SELL;
   plan.price = price;
   if(entry > 0 && s.hasDeviation && SdDeviationPct(price, entry) > s.maxEntryDeviationPct + 1e-12)
     {
      SdRefuse(plan, SD_ERR_DEVIATION, "price " + DoubleToString(price, digits) + " is " +
               SdJsonNumber(SdDeviationPct(price, entry), 3) + "% from the entry " + DoubleToString(entry, digits) +
               ", more than the allowed " + SdJsonNumber(s.maxEntryDeviationPct) + "%");
      return;
     }
   plan.action = SD_PLAN_MARKET;
  }

void SdPlanEntry(const SdSignal &signal, const SdSymbolSpec &spec, const SdSettings &s, const long now,
                 SdEntryPlan &plan)
  {
   plan.action = SD_PLAN_REFUSE;
   plan.kind = -1;
   plan.price = 0;
   plan.code = 0;
   plan.message = "";
   if(signal.expiresAt > 0 && now >= signal.expiresAt)
     {
      SdRefuse(plan, SD_ERR_EXPIRED, "arrived " + IntegerToString(now - signal.expiresAt) +
               " s after it expired at " + SdFormatIso(signal.expiresAt));
      return;
     }
   if(signal.side == 0 || signal.orderType == 0)
     {
      SdRefuse(plan, SD_ERR_BAD_SIGNAL, "unsupported side \"" + signal.sideText + "\" or order type \"" +
               signal.orderTypeText + "\"");
      return;
     }
   if(!(spec.bid > 0) || !(spec.ask > 0))
     {
      SdRefuse(plan, SD_ERR_NO_PRICE, "no current price for " + spec.name + " (market closed or symbol not synchronised)");
      return;
     }
   bool buy = signal.side == SD_SIDE_BUY;
   double market = buy ? spec.ask : spec.bid;
   double entry = signal.entryPrice;
   if(signal.orderType == SD_ORDER_MARKET)
     {
      SdPlanMarket(plan, signal.side, market, entry, s, spec.digits);
      return;
     }
   if(!(entry > 0))
     {
      SdRefuse(plan, SD_ERR_BAD_SIGNAL, "a " + signal.orderTypeText + " order needs an entry price");
      return;
     }
   if(signal.orderType == SD_ORDER_LIMIT)
     {
      bool marketable = buy ? market <= entry : market >= entry;
      if(marketable)
        {
         // Already at or better than the limit: filled at market, as the broker would.
         plan.kind = buy ? SD_KIND_BUY : SD_KIND_SELL;
         plan.price = market;
         plan.action = SD_PLAN_MARKET;
         return;
        }
      plan.kind = buy ? SD_KIND_BUY_LIMIT : SD_KIND_SELL_LIMIT;
     }
   else
     {
      bool triggered = buy ? market >= entry : market <= entry;
      if(triggered)
        {
         SdPlanMarket(plan, signal.side, market, entry, s, spec.digits);
         return;
        }
      plan.kind = buy ? SD_KIND_BUY_STOP : SD_KIND_SELL_STOP;
     }
   plan.price = entry;
   plan.action = SD_PLAN_PENDING;
  }

#endif
