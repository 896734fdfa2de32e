// Signal instrument -> broker symbol. A symbolMap entry names the broker's symbol exactly (the
// suffix is not added to it: "XAUUSD" -> "GOLD.m" is written in full); instruments without an
// entry get the suffix ("EURUSD" + ".m").
#ifndef SD_SYMBOL_MAP_MQH
#define SD_SYMBOL_MAP_MQH

#include "Compat.mqh"
#include "Protocol.mqh"

string SdMapSymbol(const SdSettings &s, const string instrument)
  {
   for(int i = 0; i < ArraySize(s.mapFrom); i++)
      if(s.mapFrom[i] == instrument)
         return s.mapTo[i];
   return instrument + s.symbolSuffix;
  }

#endif
