/**
 * The KurrentDB test double as its own process, for tests that run the CLI against it:
 * `node --import tsx test/support/kurrentdb/main.ts` prints one JSON line `{"url": "kurrentdb://…"}`
 * once it listens, and serves until SIGTERM or SIGINT.
 */
import { startKurrentDouble } from './server.js';

const double = await startKurrentDouble();
process.stdout.write(`${JSON.stringify({ url: double.url })}\n`);
const stop = () => {
  void double.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
