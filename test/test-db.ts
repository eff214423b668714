/** Ports of the test database (dev uses 54329/54330, so both can run at once). */
export const TEST_DB = {
  pgPort: 54339,
  proxyPort: 54340,
  url: 'postgres://postgres:postgres@127.0.0.1:54339/app',
  wsProxy: '127.0.0.1:54340',
} as const;
