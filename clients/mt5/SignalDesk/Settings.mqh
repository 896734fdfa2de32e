// Device settings from the server are clamped to ranges a terminal can safely trade with before
// anything uses them; every value that had to change is described once (see SdEngine's notes).
// Where a value is unusable, the choice that trades less wins: fixed 0.01 lots, a 0.01 lot cap,
// a zero deviation allowance, paused.
#ifndef SD_SETTINGS_MQH
#define SD_SETTINGS_MQH

#include "Compat.mqh"
#include "Protocol.mqh"

#define SD_MAX_FIXED_LOTS 100.0
#define SD_MAX_RISK_PERCENT 10.0
#define SD_MAX_MULTIPLIER 10.0
#define SD_MAX_LOT_CAP 1000.0
#define SD_MIN_LOT_CAP 0.01
#define SD_MAX_SLIPPAGE_POINTS 10000
#define SD_MAX_DEVIATION_PCT 100.0
#define SD_MAX_SUFFIX 12

void SdPushText(SD_ARR_REF(string, list), const string text)
  {
   int n = ArraySize(list);
   ArrayResize(list, n + 1);
   list[n] = text;
  }

double SdSizingCeiling(const string mode)
  {
   if(mode == "risk_percent") return SD_MAX_RISK_PERCENT;
   if(mode == "multiplier") return SD_MAX_MULTIPLIER;
   return SD_MAX_FIXED_LOTS;
  }

// Copies `raw` into `clean` within range; one warning per value that was changed.
void SdClampSettings(const SdSettings &raw, SdSettings &clean, SD_ARR_REF(string, warnings))
  {
   ArrayResize(warnings, 0);
   SdSettingsCopy(clean, raw);
   if(raw.sizingMode != "fixed" && raw.sizingMode != "risk_percent" && raw.sizingMode != "multiplier")
     {
      SdPushText(warnings, "sizing.mode \"" + raw.sizingMode + "\" is unknown: using fixed 0.01 lots");
      clean.sizingMode = "fixed";
      clean.sizingValue = 0.01;
     }
   else if(!(raw.sizingValue > 0) || !MathIsValidNumber(raw.sizingValue))
     {
      SdPushText(warnings, "sizing.value " + SdJsonNumber(raw.sizingValue) + " for " + raw.sizingMode +
                 " is not above 0: using fixed 0.01 lots");
      clean.sizingMode = "fixed";
      clean.sizingValue = 0.01;
     }
   else if(raw.sizingValue > SdSizingCeiling(raw.sizingMode))
     {
      clean.sizingValue = SdSizingCeiling(raw.sizingMode);
      SdPushText(warnings, "sizing.value " + SdJsonNumber(raw.sizingValue) + " for " + raw.sizingMode +
                 " is above " + SdJsonNumber(clean.sizingValue) + ": using " + SdJsonNumber(clean.sizingValue));
     }
   if(raw.hasMaxLots && !(raw.maxLots > 0))
     {
      clean.maxLots = SD_MIN_LOT_CAP;
      SdPushText(warnings, "maxLots " + SdJsonNumber(raw.maxLots) + " is not above 0: capping at 0.01 lots");
     }
   else if(raw.hasMaxLots && raw.maxLots > SD_MAX_LOT_CAP)
     {
      clean.maxLots = SD_MAX_LOT_CAP;
      SdPushText(warnings, "maxLots " + SdJsonNumber(raw.maxLots) + " is above 1000: capping at 1000 lots");
     }
   if(StringLen(raw.symbolSuffix) > SD_MAX_SUFFIX)
     {
      clean.symbolSuffix = StringSubstr(raw.symbolSuffix, 0, SD_MAX_SUFFIX);
      SdPushText(warnings, "symbolSuffix \"" + raw.symbolSuffix + "\" is longer than 12 characters: using \"" +
                 clean.symbolSuffix + "\"");
     }
   ArrayResize(clean.mapFrom, 0);
   ArrayResize(clean.mapTo, 0);
   for(int i = 0; i < ArraySize(raw.mapFrom); i++)
     {
      if(raw.mapFrom[i] == "" || raw.mapTo[i] == "")
        {
         SdPushText(warnings, "symbolMap entry \"" + raw.mapFrom[i] + "\" has no broker symbol: ignored");
         continue;
        }
      int n = ArraySize(clean.mapFrom);
      ArrayResize(clean.mapFrom, n + 1);
      ArrayResize(clean.mapTo, n + 1);
      clean.mapFrom[n] = raw.mapFrom[i];
      clean.mapTo[n] = raw.mapTo[i];
     }
   double slippage = MathRound(raw.maxSlippagePoints);
   if(!MathIsValidNumber(raw.maxSlippagePoints) || raw.maxSlippagePoints < 0)
     {
      clean.maxSlippagePoints = 0;
      SdPushText(warnings, "maxSlippagePoints " + SdJsonNumber(raw.maxSlippagePoints) + " is below 0: using 0");
     }
   else if(slippage > SD_MAX_SLIPPAGE_POINTS)
     {
      clean.maxSlippagePoints = SD_MAX_SLIPPAGE_POINTS;
      SdPushText(warnings, "maxSlippagePoints " + SdJsonNumber(raw.maxSlippagePoints) + " is above 10000: using 10000");
     }
   else
     {
      clean.maxSlippagePoints = slippage;
      if(slippage != raw.maxSlippagePoints)
         SdPushText(warnings, "maxSlippagePoints " + SdJsonNumber(raw.maxSlippagePoints) + " is not whole: using " +
                    SdJsonNumber(slippage));
     }
   if(raw.hasDeviation && (!MathIsValidNumber(raw.maxEntryDeviationPct) || raw.maxEntryDeviationPct < 0))
     {
      clean.maxEntryDeviationPct = 0;
      SdPushText(warnings, "maxEntryDeviationPct " + SdJsonNumber(raw.maxEntryDeviationPct) + " is below 0: using 0");
     }
   else if(raw.hasDeviation && raw.maxEntryDeviationPct > SD_MAX_DEVIATION_PCT)
     {
      clean.maxEntryDeviationPct = SD_MAX_DEVIATION_PCT;
      SdPushText(warnings, "maxEntryDeviationPct " + SdJsonNumber(raw.maxEntryDeviationPct) + " is above 100: using 100");
     }
  }

// One line for the panel: "fixed 0.10 lots, cap 1, suffix .m, 2 mapped, slippage 30 pts".
string SdDescribeSettings(const SdSettings &s)
  {
   string text = s.sizingMode == "fixed" ? "fixed " + SdJsonNumber(s.sizingValue) + " lots"
               : (s.sizingMode == "risk_percent" ? "risk " + SdJsonNumber(s.sizingValue) + "% of equity"
               : "x" + SdJsonNumber(s.sizingValue) + " signal volume");
   if(s.hasMaxLots)
      text += ", cap " + SdJsonNumber(s.maxLots);
   if(s.symbolSuffix != "")
      text += ", suffix " + s.symbolSuffix;
   if(ArraySize(s.mapFrom) > 0)
      text += ", " + IntegerToString(ArraySize(s.mapFrom)) + " mapped";
   text += ", slippage " + SdJsonNumber(s.maxSlippagePoints) + " pts";
   if(s.hasDeviation)
      text += ", deviation " + SdJsonNumber(s.maxEntryDeviationPct) + "%";
   return text;
  }

#endif
