import type { FastifyInstance } from 'fastify';
import type { Store } from '../storage/ports.js';

/** Liveness: the process answers. Readiness: the database answers too. */
export function registerHealthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/-/health/live/', async (_req, reply) => reply.status(200).send());
  app.get('/-/health/ready/', async (req, reply) => {
    try {
      await store.ping();
      return reply.status(200).send();
    } catch (err) {
      req.log.warn({ err }, 'database not ready');
      return reply.status(503).send();
    }
  });
}
