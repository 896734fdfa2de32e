// A small JSON reader over the raw UTF-8 bytes of a response (the bytes WebRequest returns, so
// MetaEditor and g++ read exactly the same input), plus the two writers the request bodies need.
// Parsing builds a flat token list (one token per value, in document order); lookups walk it.
// Unknown members are simply never looked up, and a missing member reads as -1 / the default.
#ifndef SD_JSON_MQH
#define SD_JSON_MQH

#include "Compat.mqh"
#include "Sha256Hmac.mqh"

#define SD_JSON_OBJECT 1
#define SD_JSON_ARRAY 2
#define SD_JSON_STRING 3
#define SD_JSON_NUMBER 4
#define SD_JSON_TRUE 5
#define SD_JSON_FALSE 6
#define SD_JSON_NULL 7
#define SD_JSON_MAX_DEPTH 32

struct SdJsonToken
  {
   int               type;
   int               start;   // strings: first byte inside the quotes; others: first byte
   int               end;     // one past the last byte (strings: the closing quote)
   int               size;    // objects: member count; arrays: item count
   int               next;    // index of the first token after this value's subtree
   double            number;
  };

class SdJson
  {
public:
   SD_ARR(uchar, m_bytes);
   SD_ARR(SdJsonToken, m_tokens);
   int               m_count;
   int               m_pos;
   string            m_error;

                     SdJson() { m_count = 0; m_pos = 0; m_error = ""; }

   bool              Parse(SD_ARR_CREF(uchar, bytes))
     {
      ArrayCopy(m_bytes, bytes);
      ArrayResize(m_bytes, ArraySize(bytes));
      ArrayResize(m_tokens, 0, 64);
      m_count = 0;
      m_pos = 0;
      m_error = "";
      int n = ArraySize(m_bytes);
      if(n >= 3 && m_bytes[0] == 0xEF && m_bytes[1] == 0xBB && m_bytes[2] == 0xBF)
         m_pos = 3;
      if(!ParseValue(0))
         return false;
      SkipSpace();
      if(m_pos != n)
         return Fail("unexpected data after the JSON value");
      return true;
     }

   bool              ParseText(const string text)
     {
      SD_ARR(uchar, bytes);
      SdUtf8Bytes(text, bytes);
      return Parse(bytes);
     }

   string            Error() { return m_error; }
   int               Root() { return m_count > 0 ? 0 : -1; }
   int               Type(const int t) { return (t >= 0 && t < m_count) ? m_tokens[t].type : 0; }
   int               Size(const int t) { return (t >= 0 && t < m_count) ? m_tokens[t].size : 0; }
   bool              IsNull(const int t) { return t < 0 || Type(t) == SD_JSON_NULL; }
   bool              IsString(const int t) { return Type(t) == SD_JSON_STRING; }
   bool              IsNumber(const int t) { return Type(t) == SD_JSON_NUMBER; }
   bool              IsObject(const int t) { return Type(t) == SD_JSON_OBJECT; }
   bool              IsArray(const int t) { return Type(t) == SD_JSON_ARRAY; }
   bool              IsBool(const int t) { return Type(t) == SD_JSON_TRUE || Type(t) == SD_JSON_FALSE; }

   // The value token of member `key` of object `obj`, or -1.
   int               Find(const int obj, const string key)
     {
      if(!IsObject(obj))
         return -1;
      int k = obj + 1;
      for(int i = 0; i < m_tokens[obj].size; i++)
        {
         int v = k + 1;
         if(Str(k) == key)
            return v;
         k = m_tokens[v].next;
        }
      return -1;
     }

   // The value token of the index-th member of `obj` (its name in `key`), or -1.
   int               Member(const int obj, const int index, string &key)
     {
      key = "";
      if(!IsObject(obj) || index < 0 || index >= m_tokens[obj].size)
         return -1;
      int k = obj + 1;
      for(int i = 0; i < index; i++)
         k = m_tokens[k + 1].next;
      key = Str(k);
      return k + 1;
     }

   // The index-th item of array `arr`, or -1.
   int               Item(const int arr, const int index)
     {
      if(!IsArray(arr) || index < 0 || index >= m_tokens[arr].size)
         return -1;
      int t = arr + 1;
      for(int i = 0; i < index; i++)
         t = m_tokens[t].next;
      return t;
     }

   // The decoded text of a string token ("" for anything else).
   string            Str(const int t)
     {
      if(!IsString(t))
         return "";
      int start = m_tokens[t].start;
      int end = m_tokens[t].end;
      if(end <= start)
         return "";
      bool escaped = false;
      for(int i = start; i < end; i++)
         if(m_bytes[i] == '\\')
           {
            escaped = true;
            break;
           }
      if(!escaped)
         return CharArrayToString(m_bytes, start, end - start, CP_UTF8);
      SD_ARR(uchar, out);
      ArrayResize(out, 0, end - start);
      int i = start;
      while(i < end)
        {
         uchar c = m_bytes[i];
         if(c != '\\')
           {
            PushByte(out, c);
            i++;
            continue;
           }
         uchar e = m_bytes[i + 1];
         i += 2;
         if(e == 'n') PushByte(out, 10);
         else if(e == 't') PushByte(out, 9);
         else if(e == 'r') PushByte(out, 13);
         else if(e == 'b') PushByte(out, 8);
         else if(e == 'f') PushByte(out, 12);
         else if(e == 'u')
           {
            int cp = Hex4(i);
            i += 4;
            if(cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= end && m_bytes[i] == '\\' && m_bytes[i + 1] == 'u')
              {
               int low = Hex4(i + 2);
               if(low >= 0xDC00 && low <= 0xDFFF)
                 {
                  cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                  i += 6;
                 }
              }
            PushCodePoint(out, cp);
           }
         else
            PushByte(out, e);
        }
      return CharArrayToString(out, 0, ArraySize(out), CP_UTF8);
     }

   double            Num(const int t) { return IsNumber(t) ? m_tokens[t].number : 0.0; }
   bool              Bool(const int t) { return Type(t) == SD_JSON_TRUE; }

   string            GetString(const int obj, const string key, const string fallback)
     {
      int v = Find(obj, key);
      return IsString(v) ? Str(v) : fallback;
     }
   double            GetNumber(const int obj, const string key, const double fallback)
     {
      int v = Find(obj, key);
      return IsNumber(v) ? Num(v) : fallback;
     }
   bool              HasNumber(const int obj, const string key) { return IsNumber(Find(obj, key)); }
   bool              GetBool(const int obj, const string key, const bool fallback)
     {
      int v = Find(obj, key);
      return IsBool(v) ? Bool(v) : fallback;
     }

private:
   bool              Fail(const string why)
     {
      if(m_error == "")
         m_error = why + " at byte " + IntegerToString(m_pos);
      return false;
     }

   void              PushByte(SD_ARR_REF(uchar, out), const int b)
     {
      int n = ArraySize(out);
      ArrayResize(out, n + 1, 64);
      out[n] = (uchar)b;
     }

   void              PushCodePoint(SD_ARR_REF(uchar, out), const int cp)
     {
      if(cp < 0x80)
         PushByte(out, cp);
      else if(cp < 0x800)
        {
         PushByte(out, 0xC0 | (cp >> 6));
         PushByte(out, 0x80 | (cp & 0x3F));
        }
      else if(cp < 0x10000)
        {
         PushByte(out, 0xE0 | (cp >> 12));
         PushByte(out, 0x80 | ((cp >> 6) & 0x3F));
         PushByte(out, 0x80 | (cp & 0x3F));
        }
      else
        {
         PushByte(out, 0xF0 | (cp >> 18));
         PushByte(out, 0x80 | ((cp >> 12) & 0x3F));
         PushByte(out, 0x80 | ((cp >> 6) & 0x3F));
         PushByte(out, 0x80 | (cp & 0x3F));
        }
     }

   int               HexDigit(const int c)
     {
      if(c >= '0' && c <= '9') return c - '0';
      if(c >= 'a' && c <= 'f') return c - 'a' + 10;
      if(c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
     }

   // The value of four hex digits at `at`, or -1.
   int               Hex4(const int at)
     {
      if(at + 4 > ArraySize(m_bytes))
         return -1;
      int v = 0;
      for(int i = 0; i < 4; i++)
        {
         int d = HexDigit(m_bytes[at + i]);
         if(d < 0)
            return -1;
         v = v * 16 + d;
        }
      return v;
     }

   void              SkipSpace()
     {
      int n = ArraySize(m_bytes);
      while(m_pos < n)
        {
         uchar c = m_bytes[m_pos];
         if(c != ' ' && c != '\t' && c != '\r' && c != '\n')
            break;
         m_pos++;
        }
     }

   int               AddToken(const int type, const int start)
     {
      ArrayResize(m_tokens, m_count + 1, 64);
      m_tokens[m_count].type = type;
      m_tokens[m_count].start = start;
      m_tokens[m_count].end = start;
      m_tokens[m_count].size = 0;
      m_tokens[m_count].next = m_count + 1;
      m_tokens[m_count].number = 0.0;
      m_count++;
      return m_count - 1;
     }

   bool              ParseValue(const int depth)
     {
      if(depth > SD_JSON_MAX_DEPTH)
         return Fail("nesting too deep");
      SkipSpace();
      if(m_pos >= ArraySize(m_bytes))
         return Fail("unexpected end of input");
      uchar c = m_bytes[m_pos];
      if(c == '{')
         return ParseObject(depth);
      if(c == '[')
         return ParseArray(depth);
      if(c == '"')
         return ParseString();
      if(c == '-' || (c >= '0' && c <= '9'))
         return ParseNumber();
      if(Literal("true"))
         return Finish(AddToken(SD_JSON_TRUE, m_pos - 4));
      if(Literal("false"))
         return Finish(AddToken(SD_JSON_FALSE, m_pos - 5));
      if(Literal("null"))
         return Finish(AddToken(SD_JSON_NULL, m_pos - 4));
      return Fail("unexpected character");
     }

   bool              Finish(const int t)
     {
      m_tokens[t].end = m_pos;
      m_tokens[t].next = m_count;
      return true;
     }

   bool              Literal(const string word)
     {
      int n = StringLen(word);
      if(m_pos + n > ArraySize(m_bytes))
         return false;
      for(int i = 0; i < n; i++)
         if(m_bytes[m_pos + i] != StringGetCharacter(word, i))
            return false;
      m_pos += n;
      return true;
     }

   bool              ParseObject(const int depth)
     {
      int t = AddToken(SD_JSON_OBJECT, m_pos);
      m_pos++;
      SkipSpace();
      if(m_pos < ArraySize(m_bytes) && m_bytes[m_pos] == '}')
        {
         m_pos++;
         return Finish(t);
        }
      while(true)
        {
         SkipSpace();
         if(m_pos >= ArraySize(m_bytes) || m_bytes[m_pos] != '"')
            return Fail("expected a member name");
         if(!ParseString())
            return false;
         SkipSpace();
         if(m_pos >= ArraySize(m_bytes) || m_bytes[m_pos] != ':')
            return Fail("expected ':'");
         m_pos++;
         if(!ParseValue(depth + 1))
            return false;
         m_tokens[t].size++;
         SkipSpace();
         if(m_pos >= ArraySize(m_bytes))
            return Fail("unterminated object");
         if(m_bytes[m_pos] == ',')
           {
            m_pos++;
            continue;
           }
         if(m_bytes[m_pos] == '}')
           {
            m_pos++;
            return Finish(t);
           }
         return Fail("expected ',' or '}'");
        }
      return false;
     }

   bool              ParseArray(const int depth)
     {
      int t = AddToken(SD_JSON_ARRAY, m_pos);
      m_pos++;
      SkipSpace();
      if(m_pos < ArraySize(m_bytes) && m_bytes[m_pos] == ']')
        {
         m_pos++;
         return Finish(t);
        }
      while(true)
        {
         if(!ParseValue(depth + 1))
            return false;
         m_tokens[t].size++;
         SkipSpace();
         if(m_pos >= ArraySize(m_bytes))
            return Fail("unterminated array");
         if(m_bytes[m_pos] == ',')
           {
            m_pos++;
            continue;
           }
         if(m_bytes[m_pos] == ']')
           {
            m_pos++;
            return Finish(t);
           }
         return Fail("expected ',' or ']'");
        }
      return false;
     }

   bool              ParseString()
     {
      m_pos++;
      int t = AddToken(SD_JSON_STRING, m_pos);
      int n = ArraySize(m_bytes);
      while(m_pos < n)
        {
         uchar c = m_bytes[m_pos];
         if(c == '"')
           {
            m_tokens[t].end = m_pos;
            m_tokens[t].next = m_count;
            m_pos++;
            return true;
           }
         if(c < 0x20)
            return Fail("control character in a string");
         if(c == '\\')
           {
            if(m_pos + 1 >= n)
               break;
            uchar e = m_bytes[m_pos + 1];
            if(e == 'u')
              {
               if(Hex4(m_pos + 2) < 0)
                  return Fail("bad \\u escape");
               m_pos += 6;
               continue;
              }
            if(e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't')
               return Fail("bad escape");
            m_pos += 2;
            continue;
           }
         m_pos++;
        }
      return Fail("unterminated string");
     }

   bool              IsDigitAt(const int at)
     {
      return at < ArraySize(m_bytes) && m_bytes[at] >= '0' && m_bytes[at] <= '9';
     }

   // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? converted without the C runtime: up to 17
   // significant digits are kept as an integer-valued double and scaled once by a power of ten,
   // which is exact (correctly rounded) for every price and volume a signal carries.
   bool              ParseNumber()
     {
      int t = AddToken(SD_JSON_NUMBER, m_pos);
      bool negative = false;
      if(m_bytes[m_pos] == '-')
        {
         negative = true;
         m_pos++;
        }
      if(!IsDigitAt(m_pos))
         return Fail("bad number");
      double mantissa = 0.0;
      int digits = 0;
      int exp10 = 0;
      if(m_bytes[m_pos] == '0')
         m_pos++;
      else
         while(IsDigitAt(m_pos))
           {
            if(digits < 17)
              {
               mantissa = mantissa * 10.0 + (m_bytes[m_pos] - '0');
               digits++;
              }
            else
               exp10++;
            m_pos++;
           }
      if(m_pos < ArraySize(m_bytes) && m_bytes[m_pos] == '.')
        {
         m_pos++;
         if(!IsDigitAt(m_pos))
            return Fail("bad number");
         while(IsDigitAt(m_pos))
           {
            if(digits < 17 && !(digits == 0 && m_bytes[m_pos] == '0' && mantissa == 0.0))
              {
               mantissa = mantissa * 10.0 + (m_bytes[m_pos] - '0');
               digits++;
               exp10--;
              }
            else if(digits == 0)
               exp10--;
            m_pos++;
           }
        }
      if(m_pos < ArraySize(m_bytes) && (m_bytes[m_pos] == 'e' || m_bytes[m_pos] == 'E'))
        {
         m_pos++;
         int sign = 1;
         if(m_pos < ArraySize(m_bytes) && (m_bytes[m_pos] == '+' || m_bytes[m_pos] == '-'))
           {
            if(m_bytes[m_pos] == '-')
               sign = -1;
            m_pos++;
           }
         if(!IsDigitAt(m_pos))
            return Fail("bad number");
         int e = 0;
         while(IsDigitAt(m_pos))
           {
            if(e < 100000)
               e = e * 10 + (m_bytes[m_pos] - '0');
            m_pos++;
           }
         exp10 += sign * e;
        }
      double value = mantissa;
      if(exp10 > 0)
         value = mantissa * MathPow(10.0, exp10);
      else if(exp10 < 0)
         value = -exp10 <= 22 ? mantissa / MathPow(10.0, -exp10) : mantissa * MathPow(10.0, exp10);
      m_tokens[t].number = negative ? -value : value;
      return Finish(t);
     }
  };

// A JSON string literal: quotes, backslashes and control characters escaped; everything else
// (including non-ASCII) is kept and becomes UTF-8 when the body is converted to bytes.
string SdJsonQuote(const string text)
  {
   string out = "\"";
   int n = StringLen(text);
   int runStart = 0;
   for(int i = 0; i < n; i++)
     {
      ushort c = StringGetCharacter(text, i);
      if(c != '"' && c != '\\' && c >= 0x20)
         continue;
      if(i > runStart)
         out += StringSubstr(text, runStart, i - runStart);
      if(c == '"') out += "\\\"";
      else if(c == '\\') out += "\\\\";
      else if(c == 10) out += "\\n";
      else if(c == 13) out += "\\r";
      else if(c == 9) out += "\\t";
      else out += StringFormat("\\u%04x", (int)c);
      runStart = i + 1;
     }
   if(n > runStart)
      out += StringSubstr(text, runStart, n - runStart);
   return out + "\"";
  }

// A JSON number with at most `decimals` decimals and no trailing zeros (1.08542, 0.1, 250).
string SdJsonNumber(const double value, const int decimals = 10)
  {
   if(!MathIsValidNumber(value))
      return "null";
   string s = DoubleToString(value, decimals);
   if(StringFind(s, ".") >= 0)
     {
      int end = StringLen(s);
      while(end > 0 && StringGetCharacter(s, end - 1) == '0')
         end--;
      if(end > 0 && StringGetCharacter(s, end - 1) == '.')
         end--;
      s = StringSubstr(s, 0, end);
     }
   if(s == "-0")
      s = "0";
   return s;
  }

#endif
