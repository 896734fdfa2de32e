// The JSON reader and the poll/hello answers. `json_test read <file>` reads a raw poll answer
// (the bytes a live server sent) and prints what the EA understood, as JSON, for the vitest file
// to compare with the server's own answer; `json_test hello-body <login> <server> <company>
// <currency> <balance> <leverage>` prints the hello body the EA sends, and `json_test hello
// <file>` the settings it reads from a hello answer. Without arguments it runs the hand-written cases.
#include <fstream>
#include <sstream>

#include "check.h"
#include "mql5_shim.h"
#include "../SignalDesk/Protocol.mqh"
#include "../SignalDesk/SignalState.mqh"

static string orNull(double v) { return v > 0 ? SdJsonNumber(v) : "null"; }

static string dump(const SdPollAnswer &a) {
  string out = "{\"serverTime\":" + SdJsonQuote(a.serverTime) + ",\"serverUnix\":" + IntegerToString(a.serverUnix) +
               ",\"skipped\":" + IntegerToString(a.skipped) + ",\"signals\":[";
  for (int i = 0; i < ArraySize(a.signals); i++) {
    const SdSignal &s = a.signals[i];
    out += string(i ? "," : "") + "{\"signalId\":" + SdJsonQuote(s.signalId) + ",\"instrument\":" + SdJsonQuote(s.instrument) +
           ",\"side\":" + SdJsonQuote(s.sideText) + ",\"orderType\":" + SdJsonQuote(s.orderTypeText) +
           ",\"entryPrice\":" + orNull(s.entryPrice) + ",\"stopLoss\":" + orNull(s.stopLoss) +
           ",\"takeProfit\":" + orNull(s.takeProfit) + ",\"volume\":" + orNull(s.volume) +
           ",\"expiresAtUnix\":" + IntegerToString(s.expiresAt) + "}";
  }
  out += "],\"updates\":[";
  for (int i = 0; i < ArraySize(a.updates); i++) {
    const SdUpdate &u = a.updates[i];
    out += string(i ? "," : "") + "{\"updateId\":" + SdJsonQuote(u.updateId) + ",\"signalId\":" + SdJsonQuote(u.signalId) +
           ",\"seq\":" + IntegerToString(u.seq) + ",\"action\":" + SdJsonQuote(u.actionText) +
           ",\"stopLoss\":" + orNull(u.stopLoss) + ",\"takeProfit\":" + orNull(u.takeProfit) +
           ",\"fraction\":" + orNull(u.fraction) + ",\"brokerTicket\":" + SdJsonQuote(u.brokerTicket) + "}";
  }
  out += "],\"settings\":" + (a.hasSettings ? SdSettingsJson(a.settings) : string("null")) + "}";
  return out;
}

static bool readFile(const char *path, MqlArray<uchar> &bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  for (char c : ss.str()) bytes.v.push_back((uchar)c);
  return true;
}

static int readOne(const char *path) {
  MqlArray<uchar> bytes;
  if (!readFile(path, bytes)) {
    std::fprintf(stderr, "cannot read %s\n", path);
    return 2;
  }
  SdJson json;
  if (!json.Parse(bytes)) {
    std::printf("{\"error\":%s}\n", SdJsonQuote(json.Error()).c_str());
    return 1;
  }
  SdPollAnswer answer;
  string error;
  if (!SdReadPollAnswer(json, answer, error)) {
    std::printf("{\"error\":%s}\n", SdJsonQuote(error).c_str());
    return 1;
  }
  std::printf("%s\n", dump(answer).c_str());
  return 0;
}

static int helloBody(char **argv) {
  std::printf("%s\n", SdHelloBody(argv[2], argv[3], argv[4], argv[5], StringToDouble(argv[6]), StringToInteger(argv[7]),
                                   SD_CLIENT_NAME, SD_CLIENT_VERSION)
                           .c_str());
  return 0;
}

static int readHello(const char *path) {
  MqlArray<uchar> bytes;
  if (!readFile(path, bytes)) {
    std::fprintf(stderr, "cannot read %s\n", path);
    return 2;
  }
  SdJson json;
  SdSettings settings;
  if (!json.Parse(bytes) || !SdReadHelloAnswer(json, settings)) {
    std::printf("{\"error\":\"no settings in the hello answer\"}\n");
    return 1;
  }
  std::printf("%s\n", SdSettingsJson(settings).c_str());
  return 0;
}

static bool parse(SdJson &json, const string &text) { return json.ParseText(text); }

static void reader() {
  SdJson j;
  check_true("parse nested", parse(j, " {\"a\": [1, -2.5e2, {\"b\": null}], \"c\": \"x\\u00e9\\n\", \"d\": true} "));
  int root = j.Root();
  int a = j.Find(root, "a");
  check_int("array size", j.Size(a), 3);
  check_num("negative exponent number", j.Num(j.Item(a, 1)), -250);
  check_true("null member", j.IsNull(j.Find(j.Item(a, 2), "b")));
  check_str("escapes decode to UTF-8", j.Str(j.Find(root, "c")), "x\xc3\xa9\n");
  check_true("bool", j.GetBool(root, "d", false));
  check_int("a missing member is -1", j.Find(root, "zzz"), -1);
  check_str("a missing member reads the default", j.GetString(root, "zzz", "dflt"), "dflt");
  check_int("an item past the end is -1", j.Item(a, 3), -1);
  string key;
  check_true("members by index", j.Member(root, 2, key) > 0 && key == "d");
  check_true("surrogate pairs", parse(j, "\"\\ud83d\\ude00\"") && j.Str(0) == "\xf0\x9f\x98\x80");
  check_true("numbers: 0.1", parse(j, "0.1") && j.Num(0) == 0.1);
  check_true("numbers: 1.08542 is the same double as the literal", parse(j, "1.08542") && j.Num(0) == 1.08542);
  check_true("numbers: 2350.5", parse(j, "2350.5") && j.Num(0) == 2350.5);
  check_true("numbers: 0.00001", parse(j, "0.00001") && j.Num(0) == 0.00001);
  check_true("numbers: 1E3", parse(j, "1E3") && j.Num(0) == 1000);
  check_true("numbers: 1795255200", parse(j, "1795255200") && j.Num(0) == 1795255200.0);
  check_true("a BOM is skipped", parse(j, "\xef\xbb\xbf{}") && j.IsObject(0));
  const char *bad[] = {"", "{", "{\"a\":}", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"abc", "\"a\x01\"", "tru",
                       "{} {}", "\"\\x\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"};
  for (const char *text : bad) {
    bool failed = !parse(j, text);
    check_true(string("malformed input is refused without a crash: ") + text, failed && j.Error() != "");
  }
}

static void pollAnswers() {
  SdJson j;
  SdPollAnswer a;
  string error;
  // An unknown top-level member, an unknown member inside a signal, a missing optional member
  // (takeProfit), nulls, and no updates or settings at all (the server before §10/§11).
  parse(j, "{\"serverTime\":\"2026-11-21T10:00:00.000Z\",\"shard\":7,\"signals\":[{\"signalId\":\"sig_A\","
           "\"instrument\":\"EURUSD\",\"side\":\"buy\",\"orderType\":\"market\",\"entryPrice\":null,\"stopLoss\":1.05,"
           "\"volume\":null,\"expiresAt\":\"2026-11-21T10:05:00.000Z\",\"confidence\":{\"score\":0.9}}]}");
  check_true("a poll answer with unknown and missing members is read", SdReadPollAnswer(j, a, error));
  check_int("server time", a.serverUnix, 1795255200);
  check_int("one signal", ArraySize(a.signals), 1);
  check_str("signal id", a.signals[0].signalId, "sig_A");
  check_int("side", a.signals[0].side, SD_SIDE_BUY);
  check_int("order type", a.signals[0].orderType, SD_ORDER_MARKET);
  check_num("null entry reads 0", a.signals[0].entryPrice, 0);
  check_num("stop loss", a.signals[0].stopLoss, 1.05);
  check_num("missing take profit reads 0", a.signals[0].takeProfit, 0);
  check_int("expiresAt", a.signals[0].expiresAt, 1795255500);
  check_int("no updates", ArraySize(a.updates), 0);
  check_true("no settings", !a.hasSettings);

  parse(j, "{\"serverTime\":\"2026-11-21T10:00:01.000Z\",\"signals\":[{\"instrument\":\"EURUSD\"},42],"
           "\"updates\":[{\"updateId\":\"upd_1\",\"signalId\":\"sig_A\",\"seq\":1,\"action\":\"modify\",\"stopLoss\":1.0855,"
           "\"takeProfit\":null,\"fraction\":null,\"brokerTicket\":\"5001\"},{\"updateId\":\"upd_2\",\"signalId\":\"sig_A\","
           "\"seq\":2,\"action\":\"close_partial\",\"stopLoss\":null,\"takeProfit\":null,\"fraction\":0.5,\"brokerTicket\":5001,"
           "\"future\":[1,2]},{\"updateId\":\"upd_3\",\"signalId\":\"sig_A\",\"seq\":3,\"action\":\"close\"}],"
           "\"settings\":{\"version\":3,\"sizing\":{\"mode\":\"risk_percent\",\"value\":1.5},\"maxLots\":2,"
           "\"symbolMap\":{\"XAUUSD\":\"GOLD\",\"US500\":\"SPX500\"},\"symbolSuffix\":\".m\",\"maxSlippagePoints\":20,"
           "\"maxEntryDeviationPct\":0.25,\"paused\":false,\"theme\":\"dark\"}}");
  check_true("a poll answer with updates and settings is read", SdReadPollAnswer(j, a, error));
  check_int("signals without an id are skipped, not fatal", a.skipped, 2);
  check_int("three updates", ArraySize(a.updates), 3);
  check_true("modify", a.updates[0].action == SD_ACTION_MODIFY && a.updates[0].stopLoss == 1.0855 &&
                           a.updates[0].takeProfit == 0 && a.updates[0].brokerTicket == "5001" && a.updates[0].seq == 1);
  check_true("close_partial with a numeric ticket", a.updates[1].action == SD_ACTION_CLOSE_PARTIAL &&
                                                        a.updates[1].fraction == 0.5 && a.updates[1].brokerTicket == "5001");
  check_true("close with its optional members missing", a.updates[2].action == SD_ACTION_CLOSE && a.updates[2].brokerTicket == "");
  check_true("settings present", a.hasSettings);
  check_int("settings version", a.settings.version, 3);
  check_str("sizing mode", a.settings.sizingMode, "risk_percent");
  check_num("sizing value", a.settings.sizingValue, 1.5);
  check_true("lot cap", a.settings.hasMaxLots && a.settings.maxLots == 2);
  check_int("symbol map entries", ArraySize(a.settings.mapFrom), 2);
  check_true("symbol map pair", a.settings.mapFrom[1] == "US500" && a.settings.mapTo[1] == "SPX500");
  check_str("suffix", a.settings.symbolSuffix, ".m");
  check_num("slippage", a.settings.maxSlippagePoints, 20);
  check_true("deviation", a.settings.hasDeviation && a.settings.maxEntryDeviationPct == 0.25);
  check_true("not paused", !a.settings.paused);
  SdSettings again;
  SdJson saved;
  check_true("settings survive a save and reload", saved.ParseText(SdSettingsJson(a.settings)));
  SdReadSettings(saved, saved.Root(), again);
  check_str("settings round trip", SdSettingsJson(again), SdSettingsJson(a.settings));

  parse(j, "{\"settings\":{\"version\":1,\"maxLots\":null,\"maxEntryDeviationPct\":null,\"paused\":true}}");
  SdSettings hello;
  check_true("a hello answer carries settings", SdReadHelloAnswer(j, hello));
  check_true("nulls and missing members are the defaults",
             !hello.hasMaxLots && !hello.hasDeviation && hello.paused && hello.sizingMode == "fixed" &&
                 hello.sizingValue == 0.01 && hello.maxSlippagePoints == 30);
  parse(j, "{\"settings\":{\"sizing\":{\"mode\":7,\"value\":\"big\"},\"maxSlippagePoints\":\"lots\",\"paused\":\"no\"}}");
  SdReadHelloAnswer(j, hello);
  check_true("members of the wrong type become out-of-range markers",
             hello.sizingMode == "?" && hello.sizingValue == -1 && hello.maxSlippagePoints == -1 && hello.paused);
  parse(j, "[1,2]");
  check_true("an answer that is not an object is refused", !SdReadPollAnswer(j, a, error) && error != "");
  parse(j, "{\"signals\":\"none\",\"updates\":{}}");
  check_true("lists of the wrong type read as empty",
             SdReadPollAnswer(j, a, error) && ArraySize(a.signals) == 0 && ArraySize(a.updates) == 0);
}

int main(int argc, char **argv) {
  if (argc > 2 && string(argv[1]) == "read") return readOne(argv[2]);
  if (argc > 2 && string(argv[1]) == "hello") return readHello(argv[2]);
  if (argc > 7 && string(argv[1]) == "hello-body") return helloBody(argv);
  reader();
  pollAnswers();
  return sd_summary();
}
