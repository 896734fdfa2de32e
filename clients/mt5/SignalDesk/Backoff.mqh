// Retry timing for HTTP: 1 s doubling to 60 s after errors and timeouts, reset by a success;
// at least 60 s after a 401 (a clock, secret or revocation problem does not fix itself in a
// second); Retry-After after a 429. The timer that drives the EA never fires faster than once a
// second, so nothing spins even when the server answers instantly.
#ifndef SD_BACKOFF_MQH
#define SD_BACKOFF_MQH

#include "Compat.mqh"

#define SD_BACKOFF_FIRST 1
#define SD_BACKOFF_MAX 60

struct SdBackoff
  {
   int               next;      // the delay the next failure gets, seconds
   int               failures;  // consecutive failures
  };

void SdBackoffReset(SdBackoff &b)
  {
   b.next = SD_BACKOFF_FIRST;
   b.failures = 0;
  }

// The delay for this failure: 1, 2, 4, ..., 32, 60, 60, ...
int SdBackoffFail(SdBackoff &b)
  {
   if(b.next < SD_BACKOFF_FIRST)
      b.next = SD_BACKOFF_FIRST;
   int delay = b.next;
   b.next = b.next * 2 > SD_BACKOFF_MAX ? SD_BACKOFF_MAX : b.next * 2;
   b.failures++;
   return delay;
  }

// True when an HTTP outcome means "the service is not answering properly": no connection
// (status <= 0), 401, 408, 429 and 5xx, and for the poll any other status than 200 (a 404
// there means a wrong URL). 400/404/409 on a report are final answers about that report.
bool SdIsTransportFailure(const int status, const bool isPoll)
  {
   if(status <= 0 || status == 401 || status == 408 || status == 429 || status >= 500)
      return true;
   if(isPoll)
      return status != 200;
   return false;
  }

// Seconds to wait after `status`; 0 when it was not a failure (the backoff is then reset).
int SdRetryDelay(SdBackoff &b, const int status, const int retryAfterSeconds, const bool isPoll)
  {
   if(!SdIsTransportFailure(status, isPoll))
     {
      SdBackoffReset(b);
      return 0;
     }
   int delay = SdBackoffFail(b);
   if(status == 401 && delay < SD_BACKOFF_MAX)
      delay = SD_BACKOFF_MAX;
   if(status == 429 && retryAfterSeconds > delay)
      delay = retryAfterSeconds > 3600 ? 3600 : retryAfterSeconds;
   return delay;
  }

// Up to 20% extra, from a MathRand() value (0..32767), so terminals that lost the server
// together do not all come back in the same second.
int SdJitterMs(const int delaySeconds, const int randomValue)
  {
   int r = randomValue < 0 ? -randomValue : randomValue;
   return (int)((long)delaySeconds * 200 * (r % 32768) / 32768);
  }

// The value of header `name` in WebRequest's response headers ("Name: value\r\n..."), or "".
// Names compare case-insensitively.
string SdHeaderValue(const string headers, const string name)
  {
   string upperHeaders = headers;
   string upperName = name + ":";
   StringToUpper(upperHeaders);
   StringToUpper(upperName);
   int at = StringFind(upperHeaders, upperName);
   while(at > 0 && StringGetCharacter(upperHeaders, at - 1) != '\n')
      at = StringFind(upperHeaders, upperName, at + 1);
   if(at < 0)
      return "";
   int start = at + StringLen(upperName);
   int end = StringFind(headers, "\r\n", start);
   if(end < 0)
      end = StringFind(headers, "\n", start);
   if(end < 0)
      end = StringLen(headers);
   string value = end > start ? StringSubstr(headers, start, end - start) : "";
   StringTrimLeft(value);
   StringTrimRight(value);
   return value;
  }

// The non-negative integer value of a header, or -1.
int SdHeaderInt(const string headers, const string name)
  {
   string value = SdHeaderValue(headers, name);
   int n = StringLen(value);
   if(n == 0 || n > 9)
      return -1;
   int v = 0;
   for(int i = 0; i < n; i++)
     {
      ushort c = StringGetCharacter(value, i);
      if(c < '0' || c > '9')
         return -1;
      v = v * 10 + (c - '0');
     }
   return v;
  }

#endif
