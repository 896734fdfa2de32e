// SHA-256 through the terminal's CryptEncode, and HMAC-SHA256 (RFC 2104) built on it: MQL5 has
// the hash but no HMAC. Everything is bytes: strings become their UTF-8 bytes without the
// terminating zero that StringToCharArray appends (signing that zero is the classic 401).
#ifndef SD_SHA256_HMAC_MQH
#define SD_SHA256_HMAC_MQH

#include "Compat.mqh"

#define SD_SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SD_SHA256_BLOCK 64
#define SD_SHA256_SIZE 32

void SdUtf8Bytes(const string text, SD_ARR_REF(uchar, out))
  {
   ArrayResize(out, 0);
   int n = StringToCharArray(text, out, 0, WHOLE_ARRAY, CP_UTF8);
   ArrayResize(out, n > 0 ? n - 1 : 0);
  }

string SdHex(SD_ARR_CREF(uchar, bytes))
  {
   string s = "";
   for(int i = 0; i < ArraySize(bytes); i++)
      s += StringFormat("%02x", (int)bytes[i]);
   return s;
  }

// Raw digest; false when the terminal refused (it refuses empty input, see SdSha256Hex).
bool SdSha256(SD_ARR_CREF(uchar, data), SD_ARR_REF(uchar, digest))
  {
   SD_ARR(uchar, none);
   ArrayResize(digest, 0);
   int n = CryptEncode(CRYPT_HASH_SHA256, data, none, digest);
   return n == SD_SHA256_SIZE && ArraySize(digest) == SD_SHA256_SIZE;
  }

// Lowercase hex SHA-256; zero bytes hash to the well-known constant because CryptEncode
// returns nothing for empty input.
string SdSha256Hex(SD_ARR_CREF(uchar, data))
  {
   if(ArraySize(data) == 0)
      return SD_SHA256_EMPTY;
   SD_ARR(uchar, digest);
   if(!SdSha256(data, digest))
      return "";
   return SdHex(digest);
  }

// HMAC-SHA256 over raw key and message bytes; "" if the hash failed.
string SdHmacSha256HexBytes(SD_ARR_CREF(uchar, keyIn), SD_ARR_CREF(uchar, msg))
  {
   SD_ARR(uchar, key);
   if(ArraySize(keyIn) > SD_SHA256_BLOCK)
     {
      if(!SdSha256(keyIn, key))
         return "";
     }
   else
      ArrayCopy(key, keyIn);
   int keyLen = ArraySize(key);
   int msgLen = ArraySize(msg);
   SD_ARR(uchar, inner);
   SD_ARR(uchar, outer);
   ArrayResize(inner, SD_SHA256_BLOCK + msgLen);
   ArrayResize(outer, SD_SHA256_BLOCK + SD_SHA256_SIZE);
   for(int i = 0; i < SD_SHA256_BLOCK; i++)
     {
      uchar k = (i < keyLen) ? key[i] : (uchar)0;
      inner[i] = (uchar)(k ^ 0x36);
      outer[i] = (uchar)(k ^ 0x5c);
     }
   for(int i = 0; i < msgLen; i++)
      inner[SD_SHA256_BLOCK + i] = msg[i];
   SD_ARR(uchar, innerHash);
   if(!SdSha256(inner, innerHash))
      return "";
   for(int i = 0; i < SD_SHA256_SIZE; i++)
      outer[SD_SHA256_BLOCK + i] = innerHash[i];
   SD_ARR(uchar, mac);
   if(!SdSha256(outer, mac))
      return "";
   return SdHex(mac);
  }

// HMAC-SHA256 keyed by the UTF-8 bytes of the secret (used as text, never base64-decoded).
string SdHmacSha256Hex(const string secret, const string message)
  {
   SD_ARR(uchar, key);
   SD_ARR(uchar, msg);
   SdUtf8Bytes(secret, key);
   SdUtf8Bytes(message, msg);
   return SdHmacSha256HexBytes(key, msg);
  }

#endif
