/** Mounts every /api/v3/sources/… and /api/v3/propertymappings/source/… endpoint. */
import type { ServiceContext } from '../../../../services/context.js';
import type { ApiRegistry } from '../../registry.js';
import { registerSourcePropertyMappingRoutes } from '../propertymappings/source.js';
import { registerAllSourceRoutes } from './all.js';
import { registerGroupConnectionRoutes } from './group-connections.js';
import { sourceModules } from '../../../../sources/modules.js';
import { registerKindSourceRoutes } from './kind-crud.js';
import { registerUserConnectionRoutes } from './user-connections.js';

export function registerSourceRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  registerAllSourceRoutes(api, ctx);
  for (const module of sourceModules()) registerKindSourceRoutes(api, ctx, module);
  registerUserConnectionRoutes(api, ctx);
  registerGroupConnectionRoutes(api, ctx);
  registerSourcePropertyMappingRoutes(api, ctx);
}
