/** The SCIM 2.0 source kind (we are the SCIM service provider). */
import type { SourceKindModule } from '../module.js';
import { scimComputedFields } from './http/api.js';
import { registerScimRoutes } from './http/index.js';
import { registerScimLinkRoutes } from './http/links-api.js';
import { scimService } from './service.js';

export const scimModule: SourceKindModule<'scim'> = {
  kind: 'scim',
  service: scimService,
  computed: scimComputedFields,
  registerApi: (api, ctx) => registerScimLinkRoutes(api, ctx),
  registerRoutes: registerScimRoutes,
};
