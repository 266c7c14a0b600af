import { ConfigError, loadConfig } from './config/index.js';
import { createApp } from './app.js';

/**
 * After the grace period the remaining connections are closed and the database is closed; if
 * even that has not finished this much later (a query that never returns), the process exits.
 */
const CLOSE_MARGIN_MS = 5_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }

  let app;
  try {
    app = await createApp({ config });
  } catch (e) {
    const target = config.databaseUrl ? 'PostgreSQL at DATABASE_URL' : `embedded database in ${config.dataDir}`;
    process.stderr.write(`Invalid configuration:\n  - cannot open the ${target}: ${(e as Error).message}\n`);
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = config.shutdownGraceSeconds * 1000;
    app.http.log.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'shutting down: draining in-flight requests');
    // Last resort; unref'd, so a shutdown that finishes in time is not held up by it.
    setTimeout(() => {
      app.http.log.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, graceMs + CLOSE_MARGIN_MS).unref();
    try {
      // Stops accepting, waits for in-flight requests up to the grace period, then closes the database.
      const { forced } = await app.shutdown({ graceMs });
      // Non-zero when requests had to be cut off, so supervisors can tell.
      process.exit(forced ? 1 : 0);
    } catch (err) {
      app.http.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.http.listen({ port: config.port, host: config.host });
}

void main();
