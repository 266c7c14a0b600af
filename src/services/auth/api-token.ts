/**
 * Bearer-token authentication of the admin API with brute-force throttling: failed tokens are
 * counted per client address (services/throttle.ts), and once the limit is reached every bearer
 * request from that address is refused with 429 until the window ends — a correct guess included,
 * so guessing cannot continue behind the limit.
 */
import type { Principal } from '../../domain/entities.js';
import type { ServiceContext } from '../context.js';
import { principalFromToken } from '../principal.js';
import { API_TOKEN_THROTTLE, failureThrottle } from '../throttle.js';

/**
 * The caller for a bearer key, or null when the key authenticates nobody (counted as a failure).
 * @throws ThrottledError after too many failed tokens from `clientIp`.
 */
export async function principalFromBearer(ctx: ServiceContext, key: string, clientIp: string): Promise<Principal | null> {
  const throttle = failureThrottle(ctx, API_TOKEN_THROTTLE, [clientIp]);
  // Both lookups at once: the throttle check costs no extra round trip on the hot path.
  const [checked, principal] = await Promise.allSettled([throttle.check(), principalFromToken(ctx, key)]);
  if (checked.status === 'rejected') throw checked.reason;
  if (principal.status === 'rejected') throw principal.reason;
  if (principal.value === null) await throttle.fail();
  return principal.value;
}
