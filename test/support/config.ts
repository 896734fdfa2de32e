import { parseConfig, type ResolvedConfig } from "../../src/config";

export const TEST_BOT_TOKEN = "123456:TEST-bot-token-abcdefghijklmnop";
export const TEST_JWT_SECRET = "test-jwt-secret-0123456789abcdefghijklmnop";
export const TEST_MASTER_KEY = "test-master-key-0123456789abcdefghijklmnop";
export const TEST_WEBHOOK_SECRET = "test-webhook-secret";
/** The Telegram id ADMIN_TELEGRAM_IDS lists in the bot tests, and the bot's username there. */
export const ADMIN_TG_ID = 900_001;
export const BOT_USERNAME = "signaldesk_test_bot";

/** A resolved config for tests: fixed secrets, nothing written to disk. */
export function testConfig(env: Record<string, string | undefined> = {}): ResolvedConfig {
  const config = parseConfig({
    DATA_DIR: "/tmp/signaldesk-test-unused",
    JWT_SECRET: TEST_JWT_SECRET,
    MASTER_KEY: TEST_MASTER_KEY,
    TELEGRAM_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    LOG_LEVEL: "info",
    // This machine is shared by parallel test workers and a synchronous PGlite reset can stall
    // it past a second: that must not shed a test's requests. Overload tests set their own.
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: "0",
    ...env,
  });
  return config as ResolvedConfig;
}
