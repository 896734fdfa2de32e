// Request signing exactly as the server verifies it (API.md §7.1, docs/device-protocol.md §3):
//   canonical = METHOD \n PATH_WITH_QUERY \n TIMESTAMP \n NONCE \n hex(SHA-256(body bytes))
//   signature = hex(HMAC-SHA256(UTF-8 secret, canonical))
#ifndef SD_CANONICAL_MQH
#define SD_CANONICAL_MQH

#include "Compat.mqh"
#include "Sha256Hmac.mqh"

string SdCanonicalString(const string method, const string pathWithQuery, const string timestamp,
                         const string nonce, SD_ARR_CREF(uchar, body))
  {
   string upper = method;
   StringToUpper(upper);
   return upper + "\n" + pathWithQuery + "\n" + timestamp + "\n" + nonce + "\n" + SdSha256Hex(body);
  }

// The base URL without a trailing slash ("https://host:8443/sd/" -> "https://host:8443/sd").
string SdTrimBaseUrl(const string baseUrl)
  {
   string url = baseUrl;
   StringTrimLeft(url);
   StringTrimRight(url);
   int end = StringLen(url);
   while(end > 0 && StringGetCharacter(url, end - 1) == '/')
      end--;
   return end > 0 ? StringSubstr(url, 0, end) : "";
  }

// The request target the server sees: the base URL's own path (if any) followed by the API
// path. The signature covers it, so a base URL with a path prefix is signed with that prefix.
string SdRequestTarget(const string baseUrl, const string apiPath)
  {
   string url = SdTrimBaseUrl(baseUrl);
   int scheme = StringFind(url, "://");
   int hostStart = scheme >= 0 ? scheme + 3 : 0;
   int slash = StringFind(url, "/", hostStart);
   string prefix = slash >= 0 ? StringSubstr(url, slash) : "";
   return prefix + apiPath;
  }

// 16..64 characters of [A-Za-z0-9_-]: unique per attempt from the time, the microsecond
// counter and a random number (nonces must be unique, not secret).
string SdNonce(const long timestamp, const long microseconds, const int randomValue)
  {
   long micro = microseconds < 0 ? -microseconds : microseconds;
   int r = randomValue < 0 ? -randomValue : randomValue;
   return IntegerToString(timestamp) + "-" + IntegerToString(micro, 12, '0') + "-" +
          IntegerToString((long)(r % 100000), 5, '0');
  }

bool SdNonceIsValid(const string nonce)
  {
   int n = StringLen(nonce);
   if(n < 16 || n > 64)
      return false;
   for(int i = 0; i < n; i++)
     {
      ushort c = StringGetCharacter(nonce, i);
      bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      if(!ok)
         return false;
     }
   return true;
  }

// The four signing headers (and the JSON content type when there is a body), in WebRequest's
// "Name: value\r\n" form.
string SdSignedHeaders(const string deviceId, const string secret, const string method,
                       const string pathWithQuery, const long timestamp, const string nonce,
                       SD_ARR_CREF(uchar, body))
  {
   string ts = IntegerToString(timestamp);
   string canonical = SdCanonicalString(method, pathWithQuery, ts, nonce, body);
   string headers = "X-Device-Id: " + deviceId + "\r\n" +
                    "X-Timestamp: " + ts + "\r\n" +
                    "X-Nonce: " + nonce + "\r\n" +
                    "X-Signature: " + SdHmacSha256Hex(secret, canonical) + "\r\n" +
                    "Accept: application/json\r\n";
   if(ArraySize(body) > 0)
      headers += "Content-Type: application/json; charset=utf-8\r\n";
   return headers;
  }

#endif
