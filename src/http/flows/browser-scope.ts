/** Browser-facing routes share one error path: every failure renders the HTML error page. */
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../services/context.js';
import { pageErrorHandler } from '../errors/pages.js';

export function browserRoutes(
  register: (scope: FastifyInstance, ctx: ServiceContext) => void,
): (app: FastifyInstance, ctx: ServiceContext) => Promise<void> {
  return async (app, ctx) => {
    await app.register(async (scope) => {
      scope.setErrorHandler(pageErrorHandler);
      register(scope, ctx);
    });
  };
}
