// The MQL5 built-ins that the SignalDesk .mqh files use, implemented in C++17 so that the same
// .mqh text compiles with g++ for the tests. Behaviour follows the MQL5 reference where the
// .mqh code depends on it (StringToCharArray appends the terminating zero, CryptEncode refuses
// empty input, StringSubstr/StringFind return ""/-1 out of range). Checks that MQL5 makes at run
// time are made here too: an array index out of range or a StringFormat argument of the wrong
// kind aborts the test program instead of passing silently.
#ifndef SD_MQL5_SHIM_H
#define SD_MQL5_SHIM_H

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef unsigned long ulong;  // 64-bit on LP64, as in MQL5; the same typedef as glibc's
typedef long datetime;
typedef std::string string;

#define SD_CPP_SHIM 1
#define WHOLE_ARRAY (-1)
#define CP_ACP 0
#define CP_UTF8 65001
#define CRYPT_HASH_SHA256 6
#define EMPTY_VALUE DBL_MAX
#ifndef DBL_MAX
#define DBL_MAX 1.7976931348623158e+308
#endif
#ifndef INT_MAX
#define INT_MAX 2147483647
#endif

[[noreturn]] inline void SdShimFail(const char *what) {
  std::fprintf(stderr, "mql5 shim: %s\n", what);
  std::abort();
}

// A dynamic array with MQL5's bounds checking (an out-of-range index stops an MQL5 program with
// "array out of range"; here it aborts the test).
template <typename T>
struct MqlArray {
  std::vector<T> v;
  T &operator[](int i) {
    if (i < 0 || i >= (int)v.size()) SdShimFail("array out of range");
    return v[(size_t)i];
  }
  const T &operator[](int i) const {
    if (i < 0 || i >= (int)v.size()) SdShimFail("array out of range");
    return v[(size_t)i];
  }
};

// The syntax bridge: `uchar name[]`, `uchar &name[]` and `const uchar &name[]` in MQL5.
#define SD_ARR(T, name) MqlArray<T> name
#define SD_ARR_REF(T, name) MqlArray<T> &name
#define SD_ARR_CREF(T, name) const MqlArray<T> &name

template <typename T>
int ArraySize(const MqlArray<T> &a) {
  return (int)a.v.size();
}
template <typename T>
int ArrayResize(MqlArray<T> &a, int size, int reserve = 0) {
  if (size < 0) return -1;
  if (reserve > 0) a.v.reserve((size_t)(size + reserve));
  a.v.resize((size_t)size);
  return size;
}
template <typename T>
void ArrayFree(MqlArray<T> &a) {
  a.v.clear();
}
template <typename T>
int ArrayCopy(MqlArray<T> &dst, const MqlArray<T> &src, int dst_start = 0, int src_start = 0,
              int count = WHOLE_ARRAY) {
  int available = (int)src.v.size() - src_start;
  if (available < 0) available = 0;
  if (count < 0 || count > available) count = available;
  if ((int)dst.v.size() < dst_start + count) dst.v.resize((size_t)(dst_start + count));
  for (int i = 0; i < count; i++) dst.v[(size_t)(dst_start + i)] = src.v[(size_t)(src_start + i)];
  return count;
}

// ---- strings (bytes here, UTF-16 in MQL5; the .mqh code only relies on ASCII positions) ----

inline int StringLen(const string &s) { return (int)s.size(); }
inline string StringSubstr(const string &s, int start, int length = -1) {
  if (start < 0 || start >= (int)s.size()) return "";
  if (length < 0) return s.substr((size_t)start);
  return s.substr((size_t)start, (size_t)length);
}
inline int StringFind(const string &s, const string &match, int start = 0) {
  if (start < 0 || start > (int)s.size()) return -1;
  size_t at = s.find(match, (size_t)start);
  return at == string::npos ? -1 : (int)at;
}
inline ushort StringGetCharacter(const string &s, int pos) {
  if (pos < 0 || pos >= (int)s.size()) return 0;
  return (ushort)(uchar)s[(size_t)pos];
}
inline bool StringToUpper(string &s) {
  for (auto &c : s)
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
  return true;
}
inline int StringTrimLeft(string &s) {
  size_t n = 0;
  while (n < s.size() && (s[n] == ' ' || s[n] == '\t' || s[n] == '\r' || s[n] == '\n')) n++;
  s.erase(0, n);
  return (int)n;
}
inline int StringTrimRight(string &s) {
  size_t n = 0;
  while (n < s.size()) {
    char c = s[s.size() - 1 - n];
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
    n++;
  }
  s.erase(s.size() - n);
  return (int)n;
}
inline int StringReplace(string &s, const string &find, const string &replacement) {
  if (find.empty()) return -1;
  int count = 0;
  size_t at = 0;
  while ((at = s.find(find, at)) != string::npos) {
    s.replace(at, find.size(), replacement);
    at += replacement.size();
    count++;
  }
  return count;
}
inline string IntegerToString(long number, int str_len = 0, ushort fill_symbol = ' ') {
  string s = std::to_string(number);
  while ((int)s.size() < str_len) s.insert(s.begin(), (char)fill_symbol);
  return s;
}
inline long StringToInteger(const string &s) { return std::strtol(s.c_str(), nullptr, 10); }
inline double StringToDouble(const string &s) { return std::strtod(s.c_str(), nullptr); }
inline string DoubleToString(double value, int digits = 8) {
  if (digits < 0 || digits > 16) digits = 8;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}
inline string CharToString(uchar c) { return string(1, (char)c); }

// MQL5 copies the string and its terminating zero, growing a dynamic array but never shrinking it.
inline int StringToCharArray(const string &text, MqlArray<uchar> &array, int start = 0, int count = -1,
                             uint codepage = CP_ACP) {
  (void)codepage;
  int n = (int)text.size() + 1;
  if (count >= 0 && count < n) n = count;
  if ((int)array.v.size() < start + n) array.v.resize((size_t)(start + n));
  for (int i = 0; i < n; i++) array.v[(size_t)(start + i)] = i < (int)text.size() ? (uchar)text[(size_t)i] : 0;
  return n;
}
inline string CharArrayToString(const MqlArray<uchar> &array, int start = 0, int count = -1,
                                uint codepage = CP_ACP) {
  (void)codepage;
  string out;
  int size = (int)array.v.size();
  for (int i = start; i < size && (count < 0 || i < start + count); i++) {
    if (array.v[(size_t)i] == 0) break;
    out.push_back((char)array.v[(size_t)i]);
  }
  return out;
}

// StringFormat: MQL5's printf. Each argument must suit its conversion, as MQL5 requires: an int-
// sized integer for %d/%x/%u/%c/%o, a double for %f/%g/%e, a string for %s. A long passed to %d
// prints garbage in MQL5, so here it aborts.
namespace sd_shim {
enum ArgKind { kInt, kDouble, kString };
struct Arg {
  ArgKind kind;
  long long i;
  double d;
  string s;
};
template <typename T>
Arg toArg(const T &value) {
  if constexpr (std::is_same_v<T, string> || std::is_same_v<std::decay_t<T>, const char *> ||
                std::is_same_v<std::decay_t<T>, char *> || std::is_array_v<T>) {
    return Arg{kString, 0, 0, string(value)};
  } else if constexpr (std::is_floating_point_v<T>) {
    return Arg{kDouble, 0, (double)value, ""};
  } else {
    static_assert(std::is_integral_v<T> || std::is_enum_v<T>, "StringFormat argument type");
    if constexpr (sizeof(T) > 4) SdShimFail("StringFormat: a 64-bit integer needs IntegerToString, not %d");
    return Arg{kInt, (long long)value, 0, ""};
  }
}
inline string format(const string &fmt, const std::vector<Arg> &args) {
  string out;
  size_t next = 0;
  for (size_t i = 0; i < fmt.size(); i++) {
    if (fmt[i] != '%') {
      out.push_back(fmt[i]);
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
      out.push_back('%');
      i++;
      continue;
    }
    size_t j = i + 1;
    while (j < fmt.size() && std::strchr("-+ #0123456789.", fmt[j])) j++;
    if (j >= fmt.size()) SdShimFail("StringFormat: incomplete conversion");
    char conv = fmt[j];
    string spec = fmt.substr(i, j - i);
    if (next >= args.size()) SdShimFail("StringFormat: too few arguments");
    const Arg &a = args[next++];
    char buf[512];
    if (std::strchr("dixXuoc", conv)) {
      if (a.kind != kInt) SdShimFail("StringFormat: integer conversion given a non-integer");
      std::snprintf(buf, sizeof buf, (spec + "ll" + conv).c_str(), a.i);
      if (conv == 'c') std::snprintf(buf, sizeof buf, (spec + conv).c_str(), (int)a.i);
    } else if (std::strchr("fFeEgG", conv)) {
      if (a.kind != kDouble) SdShimFail("StringFormat: floating conversion given a non-double");
      std::snprintf(buf, sizeof buf, (spec + conv).c_str(), a.d);
    } else if (conv == 's') {
      if (a.kind != kString) SdShimFail("StringFormat: %s given a non-string");
      std::snprintf(buf, sizeof buf, (spec + conv).c_str(), a.s.c_str());
    } else {
      SdShimFail("StringFormat: unsupported conversion");
    }
    out += buf;
    i = j;
  }
  if (next != args.size()) SdShimFail("StringFormat: too many arguments");
  return out;
}
}  // namespace sd_shim

template <typename... A>
string StringFormat(const string &fmt, const A &...args) {
  return sd_shim::format(fmt, std::vector<sd_shim::Arg>{sd_shim::toArg(args)...});
}

// ---- maths ----

inline double MathAbs(double v) { return std::fabs(v); }
inline double MathMin(double a, double b) { return a < b ? a : b; }
inline double MathMax(double a, double b) { return a > b ? a : b; }
inline double MathFloor(double v) { return std::floor(v); }
inline double MathCeil(double v) { return std::ceil(v); }
inline double MathRound(double v) { return std::round(v); }
inline double MathPow(double b, double e) { return std::pow(b, e); }
inline double MathSqrt(double v) { return std::sqrt(v); }
inline bool MathIsValidNumber(double v) { return std::isfinite(v); }
inline double NormalizeDouble(double value, int digits) {
  double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

// ---- CryptEncode(CRYPT_HASH_SHA256): SHA-256 (FIPS 180-4) for the test build only ----

namespace sd_shim {
inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
inline std::vector<uchar> sha256(const std::vector<uchar> &msg) {
  static const uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::vector<uchar> data = msg;
  uint64_t bits = (uint64_t)msg.size() * 8;
  data.push_back(0x80);
  while (data.size() % 64 != 56) data.push_back(0);
  for (int i = 7; i >= 0; i--) data.push_back((uchar)(bits >> (i * 8)));
  for (size_t chunk = 0; chunk < data.size(); chunk += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
      w[i] = (uint32_t)data[chunk + 4 * i] << 24 | (uint32_t)data[chunk + 4 * i + 1] << 16 |
             (uint32_t)data[chunk + 4 * i + 2] << 8 | (uint32_t)data[chunk + 4 * i + 3];
    for (int i = 16; i < 64; i++) {
      uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
      uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  std::vector<uchar> out;
  for (int i = 0; i < 8; i++)
    for (int j = 3; j >= 0; j--) out.push_back((uchar)(h[i] >> (j * 8)));
  return out;
}
}  // namespace sd_shim

// Like the terminal's, this returns 0 and no result for empty input, which is why
// Sha256Hmac.mqh carries the empty-string hash as a constant.
inline int CryptEncode(int method, const MqlArray<uchar> &data, const MqlArray<uchar> &key,
                       MqlArray<uchar> &result) {
  (void)key;
  if (method != CRYPT_HASH_SHA256) SdShimFail("CryptEncode: only CRYPT_HASH_SHA256 is shimmed");
  if (data.v.empty()) {
    result.v.clear();
    return 0;
  }
  result.v = sd_shim::sha256(data.v);
  return (int)result.v.size();
}

#endif
