/** Ports of the test stack (dev uses 54329/54330/2525/8787, so both can run at once). */
export const TEST_DB = {
  pgPort: 54339,
  proxyPort: 54340,
  url: 'postgres://postgres:postgres@127.0.0.1:54339/app',
  wsProxy: '127.0.0.1:54340',
} as const;

/** Provider stand-ins (test/stand-ins/provider-stand-in.mjs). */
export const TEST_STAND_INS = {
  httpPort: 54352,
  smtpPort: 54351,
  baseUrl: 'http://127.0.0.1:54352',
} as const;
