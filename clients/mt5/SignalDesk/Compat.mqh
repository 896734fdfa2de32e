// The syntax that MQL5 and the C++ test build (clients/mt5/test/mql5_shim.h) spell differently.
// Every SignalDesk .mqh declares dynamic arrays through these three macros, so the same text is
// `uchar data[]` / `uchar &data[]` in MetaEditor and a bounds-checked vector under g++.
#ifndef SD_COMPAT_MQH
#define SD_COMPAT_MQH

#ifdef __MQL5__
#define SD_ARR(T, name) T name[]
#define SD_ARR_REF(T, name) T &name[]
#define SD_ARR_CREF(T, name) const T &name[]
#endif

#endif
