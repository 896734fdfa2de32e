// Signing: SHA-256 through the shimmed CryptEncode, HMAC-SHA256 built in Sha256Hmac.mqh, and the
// canonical string of Canonical.mqh, against RFC 4231 and the vector pinned in
// docs/device-protocol.md. `signing_test sign ...` prints the headers for one request so the
// vitest file can send it to a live server.
#include <fstream>
#include <iostream>
#include <sstream>

#include "check.h"
#include "mql5_shim.h"
#include "../SignalDesk/Canonical.mqh"

static const string SECRET = "HohInMNeWdkOO--R9O7aTHct2i90OB5L0f345u-XsUQ";

static void bytesOf(const string &text, MqlArray<uchar> &out) { SdUtf8Bytes(text, out); }

static string repeatByte(int byte, int count) { return string((size_t)count, (char)byte); }

static void rfc4231() {
  MqlArray<uchar> key, msg;
  bytesOf(repeatByte(0x0b, 20), key);
  bytesOf("Hi There", msg);
  check_str("rfc4231 case 1", SdHmacSha256HexBytes(key, msg),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  check_str("rfc4231 case 2", SdHmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  bytesOf(repeatByte(0xaa, 20), key);
  bytesOf(repeatByte(0xdd, 50), msg);
  check_str("rfc4231 case 3", SdHmacSha256HexBytes(key, msg),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  bytesOf(repeatByte(0xaa, 131), key);
  bytesOf("Test Using Larger Than Block-Size Key - Hash Key First", msg);
  check_str("rfc4231 case 6 (key longer than a block)", SdHmacSha256HexBytes(key, msg),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void sha256() {
  MqlArray<uchar> data;
  check_str("sha256 of no bytes is the constant", SdSha256Hex(data), SD_SHA256_EMPTY);
  bytesOf("abc", data);
  check_str("sha256 abc", SdSha256Hex(data), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  bytesOf("", data);
  check_int("utf8 bytes drop the terminating zero", ArraySize(data), 0);
  bytesOf("{\"a\":1}", data);
  check_int("utf8 bytes of a body", ArraySize(data), 7);
}

static void pinnedVector() {
  MqlArray<uchar> none;
  string canonical = SdCanonicalString("get", "/api/v1/device/poll?wait=25", "1795255200", "b7Qm2xVt9LkP4sRz", none);
  check_str("vector poll canonical", canonical,
            "GET\n/api/v1/device/poll?wait=25\n1795255200\nb7Qm2xVt9LkP4sRz\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  check_int("vector poll canonical is 124 bytes", StringLen(canonical), 124);
  check_str("vector poll signature", SdHmacSha256Hex(SECRET, canonical),
            "c0d49dfc37596d15fb3dcbfae31d44204d03aaf3efcaf996a95f78282bf10317");

  MqlArray<uchar> key, inner, msg;
  SdUtf8Bytes(SECRET, key);
  SdUtf8Bytes(canonical, msg);
  ArrayResize(inner, 64 + ArraySize(msg));
  for (int i = 0; i < 64; i++) inner[i] = (uchar)((i < ArraySize(key) ? key[i] : 0) ^ 0x36);
  for (int i = 0; i < ArraySize(msg); i++) inner[64 + i] = msg[i];
  check_str("vector poll inner hash", SdSha256Hex(inner),
            "bccdd6aaba1706d73242af673b7ebc692efc2fbf35ba7a476ca23a017e6860ab");

  MqlArray<uchar> body;
  SdUtf8Bytes("{\"signalId\":\"sig_01KAB3P0000000000000000000\",\"price\":1.08542,\"volume\":0.1,"
              "\"brokerTicket\":\"123456789\"}",
              body);
  check_int("vector fill body is 101 bytes", ArraySize(body), 101);
  check_str("vector fill body hash", SdSha256Hex(body),
            "70f2491e6944254af1af7abb80c38893e82b7f30a71f8a87d0ac1bc31508d5a6");
  string fill = SdCanonicalString("POST", "/api/v1/device/fill", "1795255202", "Zr4d8N1cQp7WfT3yHs6k", body);
  check_str("vector fill signature", SdHmacSha256Hex(SECRET, fill),
            "f0e96a0cdbafff49b38fd45eca70a7ac5b4c0235b367e94b98d793d51757cc76");

  string headers = SdSignedHeaders("dev_01KAB3N5QJ7X2M9P4R6T8V0W2Y", SECRET, "GET", "/api/v1/device/poll?wait=25",
                                   1795255200, "b7Qm2xVt9LkP4sRz", none);
  check_str("vector poll headers", headers,
            "X-Device-Id: dev_01KAB3N5QJ7X2M9P4R6T8V0W2Y\r\nX-Timestamp: 1795255200\r\nX-Nonce: b7Qm2xVt9LkP4sRz\r\n"
            "X-Signature: c0d49dfc37596d15fb3dcbfae31d44204d03aaf3efcaf996a95f78282bf10317\r\n"
            "Accept: application/json\r\n");
  check_true("headers of a body carry the JSON content type",
             StringFind(SdSignedHeaders("d", SECRET, "POST", "/p", 1, "n", body),
                        "Content-Type: application/json; charset=utf-8\r\n") > 0);
}

static void targetsAndNonces() {
  check_str("target at the host root", SdRequestTarget("https://signals.example.com", "/api/v1/device/poll?wait=10"),
            "/api/v1/device/poll?wait=10");
  check_str("target drops a trailing slash", SdRequestTarget("https://signals.example.com/", "/api/v1/device/ack"),
            "/api/v1/device/ack");
  check_str("target keeps a path prefix", SdRequestTarget(" http://127.0.0.1:3000/sd/ ", "/api/v1/device/ack"),
            "/sd/api/v1/device/ack");
  check_str("base url trimmed", SdTrimBaseUrl("https://h.example//"), "https://h.example");
  string nonce = SdNonce(1795255200, 123456789, 4242);
  check_str("nonce format", nonce, "1795255200-000123456789-04242");
  check_true("nonce is valid", SdNonceIsValid(nonce));
  check_true("nonce with huge counters stays valid", SdNonceIsValid(SdNonce(9999999999, 9223372036854775807, -2147483647)));
  check_true("a short nonce is refused", !SdNonceIsValid("abc"));
  check_true("a nonce with a dot is refused", !SdNonceIsValid("1795255200.000123456789"));
}

// sign <secret> <deviceId> <method> <pathWithQuery> <timestamp> <nonce> [bodyFile]
static int signOne(int argc, char **argv) {
  if (argc < 8) {
    std::fprintf(stderr, "usage: signing_test sign secret id method path timestamp nonce [bodyFile]\n");
    return 2;
  }
  MqlArray<uchar> body;
  if (argc > 8) {
    std::ifstream in(argv[8], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    string raw = ss.str();
    for (char c : raw) body.v.push_back((uchar)c);
  }
  std::printf("%s", SdSignedHeaders(argv[3], argv[2], argv[4], argv[5], std::atol(argv[6]), argv[7], body).c_str());
  return 0;
}

// "-" stands for an empty field.
static string unhex(const std::string &hex) {
  string out;
  if (hex == "-") return out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back((char)std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// batch: stdin lines "hex(secret) hex(method) hex(path) timestamp hex(nonce) hex(body)" ("-" for an
// empty field); prints one signature per line, which the vitest file compares with the server's.
static int signBatch() {
  std::string secret, method, path, nonce, body;
  long timestamp;
  while (std::cin >> secret >> method >> path >> timestamp >> nonce >> body) {
    MqlArray<uchar> bytes;
    for (char c : unhex(body)) bytes.v.push_back((uchar)c);
    string canonical = SdCanonicalString(unhex(method), unhex(path), IntegerToString(timestamp), unhex(nonce), bytes);
    std::printf("%s\n", SdHmacSha256Hex(unhex(secret), canonical).c_str());
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && string(argv[1]) == "sign") return signOne(argc, argv);
  if (argc > 1 && string(argv[1]) == "batch") return signBatch();
  sha256();
  rfc4231();
  pinnedVector();
  targetsAndNonces();
  return sd_summary();
}
