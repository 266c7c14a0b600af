/** The OAuth / OpenID Connect source kind. */
import { browserRoutes } from '../../http/flows/browser-scope.js';
import type { SourceKindModule } from '../module.js';
import { oauthComputedFields, registerOAuthApi } from './http/api.js';
import { registerOAuthRoutes } from './http/routes.js';
import { refreshOidcSourcesJob } from './refresh-job.js';
import { oauthService } from './service.js';

export const oauthModule: SourceKindModule<'oauth'> = {
  kind: 'oauth',
  service: oauthService,
  computed: oauthComputedFields,
  registerApi: registerOAuthApi,
  registerRoutes: browserRoutes(registerOAuthRoutes),
  jobs: (ctx, log) => [refreshOidcSourcesJob(ctx, log)],
};
