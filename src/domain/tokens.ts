/** An API token authenticates only with intent `api`, while unexpired, for an active user. */
export function apiTokenUsable(token: { intent: string; expiring: boolean; expires: Date | null }, userActive: boolean, now: Date): boolean {
  if (token.intent !== 'api' || !userActive) return false;
  return !(token.expiring && token.expires !== null && token.expires.getTime() <= now.getTime());
}
