// RFC 3339 UTC times <-> Unix seconds, without the terminal's local-time functions (the server
// speaks UTC; MetaTrader's deal times are in the trade server's own zone, see SdRoundZoneOffset).
#ifndef SD_ISO_TIME_MQH
#define SD_ISO_TIME_MQH

#include "Compat.mqh"

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long SdDaysFromCivil(const long year, const int month, const int day)
  {
   long y = month <= 2 ? year - 1 : year;
   long era = (y >= 0 ? y : y - 399) / 400;
   long yoe = y - era * 400;
   long doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
   long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
   return era * 146097 + doe - 719468;
  }

void SdCivilFromDays(const long days, long &year, int &month, int &day)
  {
   long z = days + 719468;
   long era = (z >= 0 ? z : z - 146096) / 146097;
   long doe = z - era * 146097;
   long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
   long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
   long mp = (5 * doy + 2) / 153;
   day = (int)(doy - (153 * mp + 2) / 5 + 1);
   month = (int)(mp < 10 ? mp + 3 : mp - 9);
   year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  }

// "2026-11-21T10:00:00.000Z"
string SdFormatIso(const long unixSeconds, const int millis = 0)
  {
   long days = unixSeconds / 86400;
   long rest = unixSeconds % 86400;
   if(rest < 0)
     {
      rest += 86400;
      days--;
     }
   long year = 0;
   int month = 0, day = 0;
   SdCivilFromDays(days, year, month, day);
   return StringFormat("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)year, month, day, (int)(rest / 3600),
                       (int)((rest % 3600) / 60), (int)(rest % 60), millis);
  }

int SdDigitsAt(const string text, const int start, const int count)
  {
   if(start + count > StringLen(text))
      return -1;
   int v = 0;
   for(int i = start; i < start + count; i++)
     {
      ushort c = StringGetCharacter(text, i);
      if(c < '0' || c > '9')
         return -1;
      v = v * 10 + (c - '0');
     }
   return v;
  }

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" into Unix seconds (fraction dropped).
bool SdParseIso(const string text, long &unixSeconds)
  {
   unixSeconds = 0;
   int n = StringLen(text);
   if(n < 20)
      return false;
   int year = SdDigitsAt(text, 0, 4), month = SdDigitsAt(text, 5, 2), day = SdDigitsAt(text, 8, 2);
   int hour = SdDigitsAt(text, 11, 2), minute = SdDigitsAt(text, 14, 2), second = SdDigitsAt(text, 17, 2);
   ushort t = StringGetCharacter(text, 10);
   if(year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60 || StringGetCharacter(text, 4) != '-' ||
      StringGetCharacter(text, 7) != '-' || (t != 'T' && t != 't' && t != ' ') ||
      StringGetCharacter(text, 13) != ':' || StringGetCharacter(text, 16) != ':')
      return false;
   int i = 19;
   if(i < n && StringGetCharacter(text, i) == '.')
     {
      i++;
      int digits = 0;
      while(i < n && StringGetCharacter(text, i) >= '0' && StringGetCharacter(text, i) <= '9')
        {
         i++;
         digits++;
        }
      if(digits == 0)
         return false;
     }
   if(i >= n)
      return false;
   ushort zone = StringGetCharacter(text, i);
   long offset = 0;
   if(zone == 'Z' || zone == 'z')
     {
      if(i + 1 != n)
         return false;
     }
   else if(zone == '+' || zone == '-')
     {
      int oh = SdDigitsAt(text, i + 1, 2), om = SdDigitsAt(text, i + 4, 2);
      if(i + 6 != n || oh < 0 || om < 0 || StringGetCharacter(text, i + 3) != ':')
         return false;
      offset = (long)(oh * 3600 + om * 60);
      if(zone == '-')
         offset = -offset;
     }
   else
      return false;
   unixSeconds = SdDaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
   return true;
  }

// Parses an HTTP Date header ("Sat, 21 Nov 2026 10:00:00 GMT", RFC 9110 IMF-fixdate) into
// Unix seconds, so a terminal whose clock is off can still sign with the server's time.
bool SdParseHttpDate(const string text, long &unixSeconds)
  {
   unixSeconds = 0;
   if(StringLen(text) != 29 || StringSubstr(text, 26, 3) != "GMT")
      return false;
   string months = "JanFebMarAprMayJunJulAugSepOctNovDec";
   int month = StringFind(months, StringSubstr(text, 8, 3));
   int day = SdDigitsAt(text, 5, 2), year = SdDigitsAt(text, 12, 4);
   int hour = SdDigitsAt(text, 17, 2), minute = SdDigitsAt(text, 20, 2), second = SdDigitsAt(text, 23, 2);
   if(month < 0 || month % 3 != 0 || day < 1 || year < 0 || hour < 0 || minute < 0 || second < 0)
      return false;
   unixSeconds = SdDaysFromCivil(year, month / 3 + 1, day) * 86400 + hour * 3600 + minute * 60 + second;
   return true;
  }

// The trade server's zone offset from UTC, from TimeTradeServer() - TimeGMT(), rounded to the
// quarter hour (every real zone is a multiple of 15 minutes; the raw difference carries jitter).
long SdRoundZoneOffset(const long rawSeconds)
  {
   long q = 900;
   long r = rawSeconds >= 0 ? (rawSeconds + q / 2) / q : -((-rawSeconds + q / 2) / q);
   return r * q;
  }

#endif
