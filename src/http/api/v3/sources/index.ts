/** Mounts every /api/v3/sources/… and /api/v3/propertymappings/source/… endpoint. */
import type { ServiceContext } from '../../../../services/context.js';
import type { ApiRegistry } from '../../registry.js';
import { registerSourcePropertyMappingRoutes } from '../propertymappings/source.js';
import { registerAllSourceRoutes } from './all.js';
import { registerGroupConnectionRoutes } from './group-connections.js';
import { registerScimLinkRoutes } from './scim-links.js';
import { registerOAuthSourceRoutes } from './oauth.js';
import { registerSamlSourceRoutes } from './saml.js';
import { registerScimSourceRoutes } from './scim.js';
import { registerUserConnectionRoutes } from './user-connections.js';

export function registerSourceRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  registerAllSourceRoutes(api, ctx);
  registerOAuthSourceRoutes(api, ctx);
  registerSamlSourceRoutes(api, ctx);
  registerScimSourceRoutes(api, ctx);
  registerUserConnectionRoutes(api, ctx);
  registerGroupConnectionRoutes(api, ctx);
  registerScimLinkRoutes(api, ctx);
  registerSourcePropertyMappingRoutes(api, ctx);
}
