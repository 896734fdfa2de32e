// A minimal checker for the test programs: one "ok <name>" or "FAIL <name>: ..." line per
// check, a summary line, and exit status 1 when anything failed. The vitest file asserts on
// these lines, so a wrong result fails `npm test` even if the exit status were ignored.
#ifndef SD_TEST_CHECK_H
#define SD_TEST_CHECK_H

#include <cmath>
#include <cstdio>
#include <string>

static int sd_passed = 0;
static int sd_failed = 0;

inline void sd_report(bool ok, const std::string &name, const std::string &detail) {
  if (ok) {
    sd_passed++;
    std::printf("ok %s\n", name.c_str());
  } else {
    sd_failed++;
    std::printf("FAIL %s: %s\n", name.c_str(), detail.c_str());
  }
}

inline void check_true(const std::string &name, bool cond) { sd_report(cond, name, "expected true"); }

inline void check_str(const std::string &name, const std::string &got, const std::string &want) {
  sd_report(got == want, name, "expected \"" + want + "\", got \"" + got + "\"");
}

inline void check_int(const std::string &name, long long got, long long want) {
  sd_report(got == want, name, "expected " + std::to_string(want) + ", got " + std::to_string(got));
}

inline void check_num(const std::string &name, double got, double want, double tolerance = 1e-9) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "expected %.10g, got %.10g", want, got);
  sd_report(std::fabs(got - want) <= tolerance, name, buf);
}

inline int sd_summary() {
  std::printf("passed %d failed %d\n", sd_passed, sd_failed);
  return sd_failed == 0 ? 0 : 1;
}

#endif
