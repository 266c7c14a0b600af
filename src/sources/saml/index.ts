/** The SAML 2.0 source kind (we are the Service Provider). */
import { browserRoutes } from '../../http/flows/browser-scope.js';
import type { SourceKindModule } from '../module.js';
import { temporaryUserCleanupJob } from './cleanup-job.js';
import { registerSamlApi } from './http/api.js';
import { registerSamlRoutes } from './http/routes.js';
import { samlMetadataRefreshJob } from './metadata-refresh-job.js';
import { samlService } from './service.js';

export const samlModule: SourceKindModule<'saml'> = {
  kind: 'saml',
  service: samlService,
  registerApi: registerSamlApi,
  registerRoutes: browserRoutes(registerSamlRoutes),
  jobs: (ctx) => [temporaryUserCleanupJob(ctx), samlMetadataRefreshJob(ctx)],
};
