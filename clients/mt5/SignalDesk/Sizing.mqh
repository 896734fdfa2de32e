// Lot size from the device settings: fixed lots, a multiple of the signal's volume, or the
// volume that loses `value` % of equity if the stop loss is hit (valued with the symbol's tick
// value and tick size). Then the lot cap and the symbol's maximum, rounded DOWN to the volume
// step (never more than asked), and refused below the symbol's minimum.
#ifndef SD_SIZING_MQH
#define SD_SIZING_MQH

#include "Compat.mqh"
#include "Protocol.mqh"

// What the EA knows about a broker symbol (SymbolInfoDouble/Integer in the terminal).
struct SdSymbolSpec
  {
   string            name;
   double            bid;
   double            ask;
   double            point;
   int               digits;
   double            tickValue;   // account-currency value of one tick for one lot
   double            tickSize;
   double            volumeMin;
   double            volumeMax;
   double            volumeStep;
  };

// Decimals of a volume step (0.01 -> 2, 0.1 -> 1, 1 -> 0).
int SdStepDigits(const double step)
  {
   int digits = 0;
   double scaled = step;
   while(digits < 8 && MathAbs(scaled - MathRound(scaled)) > 1e-9)
     {
      scaled *= 10.0;
      digits++;
     }
   return digits;
  }

// Whole steps that fit in `lots`, tolerating the binary representation of decimals
// (0.3 / 0.1 is 2.9999999999999996, which is three steps).
double SdRoundDownToStep(const double lots, const double step)
  {
   if(!(step > 0))
      return lots;
   double steps = MathFloor(lots / step + 1e-7);
   return NormalizeDouble(steps * step, SdStepDigits(step));
  }

// The lots to trade, or false with the reason in `why`.
bool SdComputeLots(const SdSettings &s, const double signalVolume, const double entryPrice, const double stopLoss,
                   const double equity, const SdSymbolSpec &spec, double &lots, string &why)
  {
   lots = 0;
   why = "";
   double wanted = 0;
   string basis = "";
   if(s.sizingMode == "risk_percent")
     {
      if(!(stopLoss > 0) || !(entryPrice > 0) || MathAbs(entryPrice - stopLoss) <= 0)
        {
         why = "risk sizing needs a stop loss away from the entry price";
         return false;
        }
      if(!(spec.tickValue > 0) || !(spec.tickSize > 0) || !(equity > 0))
        {
         why = "risk sizing needs the symbol's tick value and size and a positive equity";
         return false;
        }
      double riskMoney = equity * s.sizingValue / 100.0;
      double lossPerLot = MathAbs(entryPrice - stopLoss) / spec.tickSize * spec.tickValue;
      wanted = riskMoney / lossPerLot;
      basis = "risk " + SdJsonNumber(s.sizingValue) + "% of equity " + SdJsonNumber(equity, 2) + " = " +
              SdJsonNumber(riskMoney, 2) + ", " + SdJsonNumber(lossPerLot, 2) + " per lot to the stop loss";
     }
   else if(s.sizingMode == "multiplier")
     {
      double base = signalVolume > 0 ? signalVolume : spec.volumeMin;
      wanted = base * s.sizingValue;
      basis = SdJsonNumber(s.sizingValue) + " x " + SdJsonNumber(base) + (signalVolume > 0 ? " signal lots" : " (symbol minimum)");
     }
   else
     {
      wanted = s.sizingValue;
      basis = "fixed " + SdJsonNumber(wanted);
     }
   double capped = wanted;
   if(s.hasMaxLots && capped > s.maxLots)
      capped = s.maxLots;
   if(spec.volumeMax > 0 && capped > spec.volumeMax)
      capped = spec.volumeMax;
   lots = SdRoundDownToStep(capped, spec.volumeStep);
   if(lots < spec.volumeMin - 1e-9 || !(lots > 0))
     {
      why = basis + " gives " + SdJsonNumber(wanted, 4) + " lots, below the symbol's minimum " +
            SdJsonNumber(spec.volumeMin) + (s.hasMaxLots ? " (cap " + SdJsonNumber(s.maxLots) + ")" : "");
      lots = 0;
      return false;
     }
   return true;
  }

#endif
