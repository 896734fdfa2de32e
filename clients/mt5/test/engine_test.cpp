// The per-signal state machine against a simulated broker: entry -> fill -> modify -> partial
// close -> close -> restart, crashes inside order placement, pending orders, refusals, lost
// reports, closed trades. `engine_test live <pollFile> <unixNow>` runs one real poll answer
// through the engine and prints every report it sends, for the vitest file to replay against the
// live server that produced the answer.
#include <fstream>
#include <sstream>

#include "check.h"
#include "sim_broker.h"

static const long T0 = 1795255200;

struct Rig {
  SimBroker broker;
  RecServer server;
  MemStore store;
  SdEngine engine;
  Rig() {
    broker.addSymbol("EURUSD", 1.0850, 1.0851, 5, 1.0, 0.00001, 0.01, 100, 0.01);
    broker.addSymbol("GOLD.m", 2350.0, 2350.3, 2, 1.0, 0.01, 0.01, 50, 0.01);
    broker.storeText = &store.text;
  }
  void poll(const string &json, long now) {
    SdJson j;
    if (!j.ParseText(json)) {
      std::printf("FAIL test poll answer does not parse: %s\n", j.Error().c_str());
      sd_failed++;
      return;
    }
    SdPollAnswer a;
    string error;
    SdReadPollAnswer(j, a, error);
    engine.OnPoll(a, broker, server, store, now);
  }
  void tick(long now) { engine.Tick(broker, server, store, now); }
  // A new engine from the saved state: what a restarted terminal does in OnInit.
  void restart(const string &saved) {
    SdEngine fresh;
    string error;
    if (!fresh.Restore(saved, error)) {
      std::printf("FAIL restore: %s\n", error.c_str());
      sd_failed++;
    }
    engine = fresh;
  }
  int phase(const string &id) {
    int i = engine.Find(id);
    return i < 0 ? 0 : engine.m_records[i].phase;
  }
};

static string signalJson(const string &id, const string &instrument, const string &side, const string &type,
                         const string &entry, const string &sl, const string &tp, const string &volume, long expiresAt) {
  return "{\"signalId\":\"" + id + "\",\"instrument\":\"" + instrument + "\",\"side\":\"" + side + "\",\"orderType\":\"" +
         type + "\",\"entryPrice\":" + entry + ",\"stopLoss\":" + sl + ",\"takeProfit\":" + tp + ",\"volume\":" + volume +
         ",\"expiresAt\":\"" + SdFormatIso(expiresAt) + "\"}";
}

static string answer(const string &signals, const string &updates = "", const string &settings = "") {
  return "{\"serverTime\":\"2026-11-21T10:00:00.000Z\",\"signals\":[" + signals + "]" +
         (updates.empty() ? "" : ",\"updates\":[" + updates + "]") +
         (settings.empty() ? "" : ",\"settings\":" + settings) + "}";
}

static string updateJson(const string &id, int seq, const string &action, const string &extra, const string &ticket) {
  return "{\"updateId\":\"" + id + "\",\"signalId\":\"sig_A\",\"seq\":" + std::to_string(seq) + ",\"action\":\"" + action +
         "\"" + extra + ",\"brokerTicket\":\"" + ticket + "\"}";
}

static const string FIXED_01 =
    "{\"version\":2,\"sizing\":{\"mode\":\"fixed\",\"value\":0.1},\"maxLots\":null,\"symbolMap\":{\"XAUUSD\":\"GOLD.m\"},"
    "\"symbolSuffix\":\"\",\"maxSlippagePoints\":25,\"maxEntryDeviationPct\":null,\"paused\":false}";

static void lifecycle() {
  Rig r;
  string sigA = signalJson("sig_A", "EURUSD", "buy", "market", "null", "1.08", "1.095", "null", T0 + 300);
  r.poll(answer(sigA, "", FIXED_01), T0);
  check_int("entry: one order sent", r.broker.ordersSent, 1);
  check_str("entry: the order as sized by the settings", r.broker.log[0],
            "place sig_A kind=0 EURUSD 0.1 sl=1.08 tp=1.095 slippage=25");
  check_str("entry: ACK first", r.server.sent[0], "/api/v1/device/ack {\"signalId\":\"sig_A\"}");
  check_str("fill: reported with the position ticket", r.server.last("/api/v1/device/fill"),
            "{\"signalId\":\"sig_A\",\"price\":1.0851,\"volume\":0.1,\"brokerTicket\":\"5001\","
            "\"filledAt\":\"2026-11-21T10:00:00.000Z\"}");
  check_int("fill: phase open", r.phase("sig_A"), SD_PHASE_OPEN);

  r.server.sent.clear();
  r.poll(answer(sigA), T0 + 5);
  check_int("a re-delivered signal is only ACKed again, never traded twice", r.broker.ordersSent, 1);
  check_int("its ACK is repeated", r.server.count("/api/v1/device/ack"), 1);

  r.poll(answer("", updateJson("upd_1", 1, "modify", ",\"stopLoss\":1.0851,\"takeProfit\":null", "5001")), T0 + 10);
  check_str("modify: breakeven stop, take profit kept", r.broker.log.back(), "modify 5001 sl=1.0851 tp=1.095");
  check_str("modify: reported applied", r.server.last("/api/v1/device/update-result"),
            "{\"updateId\":\"upd_1\",\"status\":\"applied\"}");

  r.broker.moveTo("EURUSD", 1.0870, 1.0871);
  string partial = updateJson("upd_2", 2, "close_partial", ",\"fraction\":0.5", "5001");
  r.poll(answer("", partial), T0 + 20);
  check_str("partial close: half of 0.1 lots at the bid", r.broker.log.back(), "close 5001 0.05 @ 1.087 slippage=25");
  check_str("partial close: reported with volume and price", r.server.last("/api/v1/device/update-result"),
            "{\"updateId\":\"upd_2\",\"status\":\"applied\",\"closedVolume\":0.05,\"closePrice\":1.087}");
  r.poll(answer("", partial), T0 + 25);
  check_num("a re-delivered update is not applied twice", r.broker.positions[0].volume, 0.05);
  check_int("its result is sent again", r.server.count("/api/v1/device/update-result"), 3);

  string saved = r.store.text;
  r.restart(saved);
  check_int("restart: the state is reloaded", r.phase("sig_A"), SD_PHASE_OPEN);
  check_num("restart: with the settings", r.engine.m_settings.maxSlippagePoints, 25);
  r.tick(T0 + 30);
  r.poll(answer(sigA), T0 + 31);
  check_int("restart: the signal delivered again opens no second order", r.broker.ordersSent, 1);
  r.poll(answer("", partial), T0 + 32);
  check_num("restart: the partial close is not repeated", r.broker.positions[0].volume, 0.05);

  r.broker.moveTo("EURUSD", 1.0880, 1.0881);
  r.poll(answer("", updateJson("upd_3", 3, "close", "", "5001")), T0 + 40);
  check_int("close: the position is gone", (long)r.broker.positions.size(), 0);
  check_str("close: reported with the rest of the volume", r.server.last("/api/v1/device/update-result"),
            "{\"updateId\":\"upd_3\",\"status\":\"applied\",\"closedVolume\":0.05,\"closePrice\":1.088}");
  check_int("close: phase closed", r.phase("sig_A"), SD_PHASE_CLOSED);
  r.poll(answer("", updateJson("upd_4", 4, "modify", ",\"stopLoss\":1.09", "5001")), T0 + 45);
  check_true("an update after the close fails with a reason",
             StringFind(r.server.last("/api/v1/device/update-result"), "\"status\":\"failed\",\"errorCode\":90010") > 0);

  r.broker.addDeal(7777, SD_DEAL_IN, SD_SIDE_SELL, 1.0, 2350.0, 0, "GOLD.m");
  r.broker.addDeal(7777, SD_DEAL_OUT, SD_SIDE_BUY, 1.0, 2340.0, 1000, "GOLD.m");
  r.engine.ReportClosedTrades(r.broker.deals, "USD", r.server, r.store, T0 + 50);
  check_int("closed trades: the signal's and a manual one", r.server.count("/api/v1/device/trades"), 2);
  check_str("closed trades: the signal's trade, linked, profit in cents", r.server.sent[r.server.sent.size() - 2],
            "/api/v1/device/trades {\"ticket\":\"5001\",\"instrument\":\"EURUSD\",\"side\":\"buy\",\"volume\":0.1,"
            "\"openPrice\":1.0851,\"closePrice\":1.0875,\"profitMinor\":2330,\"currency\":\"USD\","
            "\"openedAt\":\"2026-11-21T10:00:00.000Z\",\"closedAt\":\"2026-11-21T10:00:00.000Z\",\"signalId\":\"sig_A\"}");
  check_true("closed trades: the manual one has no signal",
             StringFind(r.server.last("/api/v1/device/trades"), "\"ticket\":\"7777\"") > 0 &&
                 StringFind(r.server.last("/api/v1/device/trades"), "\"signalId\":null") > 0);
  r.engine.ReportClosedTrades(r.broker.deals, "USD", r.server, r.store, T0 + 60);
  check_int("closed trades are reported once", r.server.count("/api/v1/device/trades"), 2);
  r.restart(r.store.text);
  r.engine.ReportClosedTrades(r.broker.deals, "USD", r.server, r.store, T0 + 70);
  check_int("even after a restart", r.server.count("/api/v1/device/trades"), 2);
}

static void crashes() {
  {
    Rig r;
    r.broker.crashInPlace = 2;
    r.poll(answer(signalJson("sig_C", "EURUSD", "sell", "market", "null", "null", "null", "0.3", T0 + 300)), T0);
    check_true("the state on disk says PLACING when the order goes out",
               StringFind(r.broker.savedAtPlace, "\"phase\":3") > 0);
    r.restart(r.broker.savedAtPlace);
    RecServer fresh;
    r.server = fresh;
    r.tick(T0 + 60);
    check_int("crash after the order: adopted, not sent again", r.broker.ordersSent, 1);
    check_int("crash after the order: open", r.phase("sig_C"), SD_PHASE_OPEN);
    check_true("crash after the order: its fill is reported",
               StringFind(r.server.last("/api/v1/device/fill"), "\"brokerTicket\":\"5001\"") > 0);
  }
  {
    Rig r;
    r.broker.crashInPlace = 1;
    r.poll(answer(signalJson("sig_D", "EURUSD", "buy", "market", "null", "null", "null", "null", T0 + 300)), T0);
    r.restart(r.broker.savedAtPlace);
    RecServer fresh;
    r.server = fresh;
    r.tick(T0 + 60);
    r.tick(T0 + 61);
    r.poll(answer(signalJson("sig_D", "EURUSD", "buy", "market", "null", "null", "null", "null", T0 + 300)), T0 + 62);
    check_int("crash before the order: never sent, not even later", r.broker.ordersSent, 0);
    check_true("crash before the order: reported as interrupted",
               StringFind(r.server.last("/api/v1/device/error"), "\"code\":90006") > 0);
  }
  {
    Rig r;
    r.poll(answer(signalJson("sig_E", "EURUSD", "buy", "market", "null", "null", "null", "null", T0 + 300)), T0);
    // The state as it was right after the ACK: placing had not started.
    SdEngine acked;
    string error;
    acked.Restore(r.store.text, error);
    int i = acked.Find("sig_E");
    acked.m_records[i].phase = SD_PHASE_ACKED;
    acked.m_records[i].positionTicket = 0;
    Rig again;
    again.restart(acked.Serialize());
    again.tick(T0 + 10);
    check_int("restart between ACK and order: the order is placed once on start-up", again.broker.ordersSent, 1);
    again.tick(T0 + 11);
    check_int("and only once", again.broker.ordersSent, 1);
  }
}

static void pendingOrders() {
  Rig r;
  r.poll(answer(signalJson("sig_L", "EURUSD", "buy", "limit", "1.08", "1.075", "1.09", "null", T0 + 300) + "," +
                signalJson("sig_S", "EURUSD", "sell", "stop", "1.07", "1.08", "1.06", "null", T0 + 300)),
         T0);
  check_int("two pending orders", (long)r.broker.orders.size(), 2);
  check_int("no fill reported while pending", r.server.count("/api/v1/device/fill"), 0);
  r.tick(T0 + 5);
  check_int("still pending", r.phase("sig_L"), SD_PHASE_PENDING);
  r.broker.moveTo("EURUSD", 1.0799, 1.0800);
  r.tick(T0 + 10);
  check_int("the limit filled", r.phase("sig_L"), SD_PHASE_OPEN);
  check_true("its fill is reported at the limit price",
             StringFind(r.server.last("/api/v1/device/fill"), "{\"signalId\":\"sig_L\",\"price\":1.08,\"volume\":0.01,") == 0);
  r.tick(T0 + 300);
  check_int("the stop did not trigger before expiry: removed", (long)r.broker.orders.size(), 0);
  check_true("and reported", StringFind(r.server.last("/api/v1/device/error"), "{\"signalId\":\"sig_S\",\"code\":90007,") == 0);
}

static void refusals() {
  Rig r;
  r.broker.addSymbol("EURUSD.x", 1.0850, 1.0851, 5, 1.0, 0.00001, 0.01, 100, 0.01);
  string settings =
      "{\"version\":5,\"sizing\":{\"mode\":\"risk_percent\",\"value\":1},\"symbolMap\":{\"XAUUSD\":\"GOLD.m\"},"
      "\"symbolSuffix\":\".x\",\"maxSlippagePoints\":10,\"maxEntryDeviationPct\":0.05,\"paused\":false}";
  r.poll(answer(signalJson("sig_1", "GBPUSD", "buy", "market", "null", "1.2", "null", "null", T0 + 300) + "," +
                    signalJson("sig_2", "EURUSD", "buy", "market", "1.08", "1.07", "null", "null", T0 + 300) + "," +
                    signalJson("sig_3", "EURUSD", "buy", "market", "null", "1.08", "null", "null", T0 - 1) + "," +
                    signalJson("sig_4", "EURUSD", "buy", "market", "null", "null", "null", "null", T0 + 300) + "," +
                    signalJson("sig_5", "XAUUSD", "sell", "market", "null", "2360", "null", "null", T0 + 300),
                "", settings),
         T0);
  check_true("unknown symbol: the mapped name is reported",
             StringFind(r.server.sent[1], "\"code\":90003,\"message\":\"the broker has no symbol \\\"GBPUSD.x\\\"") > 0);
  check_true("deviation: refused", r.server.any("/api/v1/device/error {\"signalId\":\"sig_2\",\"code\":90002"));
  check_true("expired: refused", r.server.any("/api/v1/device/error {\"signalId\":\"sig_3\",\"code\":90001"));
  check_true("risk sizing without a stop loss: refused",
             r.server.any("/api/v1/device/error {\"signalId\":\"sig_4\",\"code\":90005"));
  check_str("risk sizing through the map: 1% of 10000 over 10.00 of gold", r.broker.log.back(),
            "place sig_5 kind=1 GOLD.m 0.1 sl=2360 tp=0 slippage=10");
  check_int("only the tradeable signal was sent to the broker", r.broker.ordersSent, 1);

  r.broker.refuseNext = 10019;
  r.poll(answer(signalJson("sig_6", "XAUUSD", "sell", "market", "null", "2360.3", "null", "null", T0 + 300)), T0 + 1);
  check_true("a broker refusal is reported with its retcode",
             StringFind(r.server.last("/api/v1/device/error"), "\"code\":10019,\"message\":\"the broker refused the order: no money\"") > 0);

  r.poll(answer(signalJson("sig_7", "XAUUSD", "sell", "market", "null", "2360.3", "null", "null", T0 + 300), "",
                "{\"version\":6,\"paused\":true}"),
         T0 + 2);
  check_true("paused: refused and reported", StringFind(r.server.last("/api/v1/device/error"), "\"signalId\":\"sig_7\",\"code\":90004") > 0);
  check_int("paused: nothing sent to the broker", r.broker.ordersSent, 2);
}

static void lostReports() {
  Rig r;
  r.server.status = -1;
  string sig = signalJson("sig_N", "EURUSD", "buy", "market", "null", "null", "null", "null", T0 + 300);
  r.poll(answer(sig), T0);
  check_int("ACK lost: no order without an ACK", r.broker.ordersSent, 0);
  check_true("ACK lost: the engine knows the server is unreachable", r.engine.m_transportFailed);
  r.server.status = 201;
  r.poll(answer(sig), T0 + 2);
  check_int("ACK through on the next poll: the order goes", r.broker.ordersSent, 1);
  r.server.status = 503;
  r.poll(answer(signalJson("sig_M", "EURUSD", "buy", "market", "null", "null", "null", "null", T0 + 300)), T0 + 3);
  check_int("ACK refused with 503: no order", r.broker.ordersSent, 1);
  r.server.status = 201;
  r.poll(answer(signalJson("sig_M", "EURUSD", "buy", "market", "null", "null", "null", "null", T0 + 300)), T0 + 4);
  int fills = r.server.count("/api/v1/device/fill");
  r.server.status = 500;
  r.poll(answer(signalJson("sig_O", "EURUSD", "buy", "market", "null", "null", "null", "null", T0 + 300)), T0 + 5);
  check_int("the ACK failed with 500, so nothing was traded", r.broker.ordersSent, 2);
  // The ACK gets through, then the fill report is lost.
  r.server.status = 201;
  SdJson j;
  j.ParseText(answer(signalJson("sig_O", "EURUSD", "buy", "market", "null", "null", "null", "null", T0 + 300)));
  SdPollAnswer a;
  string error;
  SdReadPollAnswer(j, a, error);
  class AckOnly : public SdServer {
   public:
    RecServer *inner;
    int Post(const string path, const string body) override {
      inner->Post(path, body);
      return path == "/api/v1/device/ack" ? 201 : -1;
    }
  } ackOnly;
  ackOnly.inner = &r.server;
  r.engine.OnPoll(a, r.broker, ackOnly, r.store, T0 + 6);
  int i = r.engine.Find("sig_O");
  check_true("a lost fill report stays owed", i >= 0 && !r.engine.m_records[i].fillReported);
  r.tick(T0 + 7);
  check_int("the next tick sends it", r.server.count("/api/v1/device/fill"), fills + 2);
  check_true("and it is settled", r.engine.m_records[r.engine.Find("sig_O")].fillReported);
  r.poll(answer("", updateJson("upd_9", 1, "teleport", "", "5001")), T0 + 8);
  check_true("an unknown update action fails with a reason",
             StringFind(r.server.last("/api/v1/device/update-result"), "\"errorCode\":90011") > 0);
  r.poll(answer("", "{\"updateId\":\"upd_10\",\"signalId\":\"sig_X\",\"seq\":1,\"action\":\"close\",\"brokerTicket\":\"999\"}"),
         T0 + 9);
  check_true("an update for a position this terminal does not have fails with a reason",
             StringFind(r.server.last("/api/v1/device/update-result"), "\"errorCode\":90010") > 0);
  MqlArray<string> notes;
  r.engine.TakeNotes(notes);
  check_true("the engine leaves notes for the journal and the panel", ArraySize(notes) > 5 && r.engine.m_lastEvent != "");
}

// Reads a real poll answer, executes it on a simulated account and closes the positions, printing
// each report as {"path","body"} for the caller to send to the live server.
static int live(const char *path, long now) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  SdJson json;
  if (!json.ParseText(ss.str())) {
    std::fprintf(stderr, "unreadable poll answer: %s\n", json.Error().c_str());
    return 1;
  }
  SdPollAnswer a;
  string error;
  SdReadPollAnswer(json, a, error);
  SimBroker broker;
  broker.clock = now;
  for (int i = 0; i < ArraySize(a.signals); i++) {
    double p = a.signals[i].entryPrice > 0 ? a.signals[i].entryPrice : 1.0850;
    broker.addSymbol(a.signals[i].instrument, p, p, 5, 1.0, 0.00001, 0.01, 100, 0.01);
  }
  RecServer server;
  server.echo = true;
  MemStore store;
  SdEngine engine;
  engine.OnPoll(a, broker, server, store, now);
  std::vector<SimPosition> open = broker.positions;
  broker.clock = now + 60;
  for (auto &p : open) {
    SdOrderResult res;
    SdResultClear(res);
    broker.Close(p.ticket, p.volume, 10, res);
  }
  engine.Tick(broker, server, store, now + 60);
  engine.ReportClosedTrades(broker.deals, "USD", server, store, now + 60);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 3 && string(argv[1]) == "live") return live(argv[2], std::atol(argv[3]));
  lifecycle();
  crashes();
  pendingOrders();
  refusals();
  lostReports();
  return sd_summary();
}
