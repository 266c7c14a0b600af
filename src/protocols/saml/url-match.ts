/**
 * Compares an endpoint URL from a SAML message (Destination, Recipient) with ours.
 *
 * authentik's hardened check: the comparison is
 * case-insensitive, but scheme and port must match exactly — so `HTTPS://SP.EXAMPLE/...` is
 * ours while `http://` or `:8443` variants (another listener, possibly another SP) are not.
 * Default ports are normalised by the URL parser (`https://x:443/` ≡ `https://x/`).
 */
export function sameEndpoint(candidate: string, ours: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(candidate.trim());
    b = new URL(ours);
  } catch {
    return false;
  }
  if (a.protocol !== b.protocol || a.port !== b.port) return false;
  if (a.username !== '' || a.password !== '') return false;
  const rest = (u: URL) => `${u.hostname}${u.pathname}${u.search}`.toLowerCase();
  return rest(a) === rest(b);
}
