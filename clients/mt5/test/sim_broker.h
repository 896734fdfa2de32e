// A simulated MetaTrader account for the engine tests: symbols with prices, positions and
// pending orders carrying the EA's comment, a deal history, and counters of every order sent.
#ifndef SD_SIM_BROKER_H
#define SD_SIM_BROKER_H

#include <map>
#include <vector>

#include "mql5_shim.h"
#include "../SignalDesk/Engine.mqh"

struct SimPosition {
  long ticket;
  string symbol;
  int side;
  double volume;
  double sl;
  double tp;
  double openPrice;
  string comment;
};

struct SimOrder {
  long ticket;
  string symbol;
  int kind;
  double volume;
  double price;
  double sl;
  double tp;
  string comment;
};

class SimBroker : public SdBroker {
 public:
  std::map<string, SdSymbolSpec> symbols;
  std::vector<SimPosition> positions;
  std::vector<SimOrder> orders;
  MqlArray<SdDeal> deals;
  std::vector<string> log;
  double equity = 10000;
  long nextTicket = 5001;
  long clock = 1795255200;
  int ordersSent = 0;
  int refuseNext = 0;  // a retcode to refuse the next order with
  // The terminal dies inside the next Place: 1 before the order reaches the broker, 2 after.
  // The test then starts a new engine from savedAtPlace, the state file at that moment.
  int crashInPlace = 0;
  string savedAtPlace;
  const string *storeText = nullptr;

  void addSymbol(const string &name, double bid, double ask, int digits, double tickValue, double tickSize,
                 double vmin, double vmax, double vstep) {
    SdSymbolSpec s;
    s.name = name;
    s.bid = bid;
    s.ask = ask;
    s.point = tickSize;
    s.digits = digits;
    s.tickValue = tickValue;
    s.tickSize = tickSize;
    s.volumeMin = vmin;
    s.volumeMax = vmax;
    s.volumeStep = vstep;
    symbols[name] = s;
  }

  double Equity() override { return equity; }

  bool SymbolSpec(const string symbol, SdSymbolSpec &spec) override {
    auto it = symbols.find(symbol);
    if (it == symbols.end()) return false;
    spec = it->second;
    return true;
  }

  void addDeal(long position, int entry, int side, double volume, double price, double money, const string &symbol) {
    int n = ArraySize(deals);
    ArrayResize(deals, n + 1);
    deals[n].ticket = 9000 + n;
    deals[n].positionId = position;
    deals[n].entry = entry;
    deals[n].side = side;
    deals[n].volume = volume;
    deals[n].price = price;
    deals[n].money = money;
    deals[n].time = clock;
    deals[n].symbol = symbol;
  }

  SimPosition *find(long ticket) {
    for (auto &p : positions)
      if (p.ticket == ticket) return &p;
    return nullptr;
  }

  bool Place(const SdOrderRequest &r, SdOrderResult &res) override {
    if (storeText) savedAtPlace = *storeText;
    if (crashInPlace == 1) {
      crashInPlace = 0;
      res.message = "terminal stopped";
      return false;
    }
    crashInPlace = 0;
    ordersSent++;
    log.push_back("place " + r.comment + " kind=" + std::to_string(r.kind) + " " + r.symbol + " " + SdJsonNumber(r.volume) +
                  " sl=" + SdJsonNumber(r.stopLoss) + " tp=" + SdJsonNumber(r.takeProfit) +
                  " slippage=" + std::to_string(r.slippagePoints));
    if (refuseNext) {
      res.retcode = refuseNext;
      res.message = "no money";
      refuseNext = 0;
      return false;
    }
    const SdSymbolSpec &s = symbols[r.symbol];
    long ticket = nextTicket++;
    res.ok = true;
    res.retcode = 10009;
    res.orderTicket = ticket;
    if (r.kind >= SD_KIND_BUY_LIMIT) {
      orders.push_back(SimOrder{ticket, r.symbol, r.kind, r.volume, r.price, r.stopLoss, r.takeProfit, r.comment});
      res.pending = true;
    } else {
      int side = r.kind == SD_KIND_BUY ? SD_SIDE_BUY : SD_SIDE_SELL;
      double price = side == SD_SIDE_BUY ? s.ask : s.bid;
      positions.push_back(SimPosition{ticket, r.symbol, side, r.volume, r.stopLoss, r.takeProfit, price, r.comment});
      addDeal(ticket, SD_DEAL_IN, side, r.volume, price, -0.7 * r.volume * 10, r.symbol);
      res.positionTicket = ticket;
      res.price = price;
      res.volume = r.volume;
      res.time = clock;
    }
    return true;
  }

  // Moves the market; pending orders whose price is reached become positions.
  void moveTo(const string &symbol, double bid, double ask) {
    symbols[symbol].bid = bid;
    symbols[symbol].ask = ask;
    for (size_t i = 0; i < orders.size();) {
      SimOrder o = orders[i];
      bool buy = o.kind == SD_KIND_BUY_LIMIT || o.kind == SD_KIND_BUY_STOP;
      double market = buy ? ask : bid;
      bool hit = (o.kind == SD_KIND_BUY_LIMIT && market <= o.price) || (o.kind == SD_KIND_SELL_LIMIT && market >= o.price) ||
                 (o.kind == SD_KIND_BUY_STOP && market >= o.price) || (o.kind == SD_KIND_SELL_STOP && market <= o.price);
      if (o.symbol != symbol || !hit) {
        i++;
        continue;
      }
      int side = buy ? SD_SIDE_BUY : SD_SIDE_SELL;
      positions.push_back(SimPosition{o.ticket, o.symbol, side, o.volume, o.sl, o.tp, o.price, o.comment});
      addDeal(o.ticket, SD_DEAL_IN, side, o.volume, o.price, 0, o.symbol);
      orders.erase(orders.begin() + (long)i);
    }
  }

  int PendingState(const long orderTicket, SdOrderResult &res) override {
    for (auto &o : orders)
      if (o.ticket == orderTicket) return SD_PENDING_WAITING;
    SimPosition *p = find(orderTicket);
    if (p) {
      res.ok = true;
      res.positionTicket = p->ticket;
      res.orderTicket = orderTicket;
      res.price = p->openPrice;
      res.volume = p->volume;
      res.time = clock;
      return SD_PENDING_FILLED;
    }
    res.message = "cancelled";
    return SD_PENDING_GONE;
  }

  bool CancelPending(const long orderTicket, SdOrderResult &res) override {
    for (size_t i = 0; i < orders.size(); i++)
      if (orders[i].ticket == orderTicket) {
        orders.erase(orders.begin() + (long)i);
        log.push_back("cancel " + std::to_string(orderTicket));
        res.ok = true;
        return true;
      }
    return false;
  }

  bool Position(const long ticket, SdPositionInfo &info) override {
    SimPosition *p = find(ticket);
    if (!p) return false;
    info.ticket = p->ticket;
    info.symbol = p->symbol;
    info.side = p->side;
    info.volume = p->volume;
    info.stopLoss = p->sl;
    info.takeProfit = p->tp;
    return true;
  }

  bool Modify(const long ticket, const double sl, const double tp, SdOrderResult &res) override {
    SimPosition *p = find(ticket);
    if (!p) return false;
    p->sl = sl;
    p->tp = tp;
    log.push_back("modify " + std::to_string(ticket) + " sl=" + SdJsonNumber(sl) + " tp=" + SdJsonNumber(tp));
    res.ok = true;
    return true;
  }

  bool Close(const long ticket, const double volume, const int slippage, SdOrderResult &res) override {
    SimPosition *p = find(ticket);
    if (!p) return false;
    double v = volume < p->volume ? volume : p->volume;
    const SdSymbolSpec &s = symbols[p->symbol];
    double price = p->side == SD_SIDE_BUY ? s.bid : s.ask;
    double profit = (p->side == SD_SIDE_BUY ? price - p->openPrice : p->openPrice - price) / s.tickSize * s.tickValue * v;
    addDeal(ticket, SD_DEAL_OUT, p->side == SD_SIDE_BUY ? SD_SIDE_SELL : SD_SIDE_BUY, v, price, profit, p->symbol);
    log.push_back("close " + std::to_string(ticket) + " " + SdJsonNumber(v) + " @ " + SdJsonNumber(price) +
                  " slippage=" + std::to_string(slippage));
    p->volume = NormalizeDouble(p->volume - v, 8);
    if (p->volume <= 1e-9)
      for (size_t i = 0; i < positions.size(); i++)
        if (positions[i].ticket == ticket) positions.erase(positions.begin() + (long)i);
    res.ok = true;
    res.price = price;
    res.volume = v;
    return true;
  }

  bool FindBySignal(const string signalId, SdOrderResult &res) override {
    for (auto &p : positions)
      if (p.comment == signalId) {
        res.ok = true;
        res.positionTicket = p.ticket;
        res.orderTicket = p.ticket;
        res.price = p.openPrice;
        res.volume = p.volume;
        res.time = clock;
        return true;
      }
    for (auto &o : orders)
      if (o.comment == signalId) {
        res.ok = true;
        res.orderTicket = o.ticket;
        res.pending = true;
        return true;
      }
    return false;
  }
};

// Records every report; answers with a scripted status (201 by default).
class RecServer : public SdServer {
 public:
  std::vector<string> sent;
  int status = 201;
  bool echo = false;  // print each request as a JSON line (for replaying against a live server)
  int Post(const string path, const string body) override {
    sent.push_back(path + " " + body);
    if (echo) std::printf("{\"path\":%s,\"body\":%s}\n", SdJsonQuote(path).c_str(), SdJsonQuote(body).c_str());
    return status;
  }
  int count(const string &path) const {
    int n = 0;
    for (auto &s : sent)
      if (s.rfind(path + " ", 0) == 0) n++;
    return n;
  }
  bool any(const string &prefix) const {
    for (auto &s : sent)
      if (s.rfind(prefix, 0) == 0) return true;
    return false;
  }
  string last(const string &path) const {
    for (size_t i = sent.size(); i > 0; i--)
      if (sent[i - 1].rfind(path + " ", 0) == 0) return sent[i - 1].substr(path.size() + 1);
    return "";
  }
};

class MemStore : public SdStore {
 public:
  string text;
  int saves = 0;
  bool Save(const string t) override {
    text = t;
    saves++;
    return true;
  }
};

#endif
