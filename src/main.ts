import { ConfigError, loadConfig } from './config/index.js';
import { createApp } from './app.js';

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
    app.http.log.info({ signal }, 'shutting down: draining in-flight requests');
    try {
      // fastify.close() stops accepting, waits for in-flight requests, then we close the pool.
      await app.close();
      process.exit(0);
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
