/**
 * A flow plan: what the browser is in the middle of after an external identity came back
 * (docs/behaviour.md#flow-plan-and-enrolment). It lives in the database-backed session, so any
 * instance can continue it. IdP tokens inside it are sealed with the secret box — sessions are not
 * a secrets store.
 */

export interface PendingConnection {
  sourceUuid: string;
  kind: string;
  identifier: string;
  /** Sealed (SecretBox) access/refresh tokens from the IdP, if any. */
  accessTokenSealed: string | null;
  refreshTokenSealed: string | null;
  /** ISO time the access token expires (now + expires_in), or null when unknown. */
  expires: string | null;
}

export interface PendingGroup {
  /** The group's identifier at the source. */
  id: string;
  /** Group properties after group property mappings (at least `name`). */
  properties: Record<string, unknown>;
}

export interface FlowPlan {
  flowSlug: string;
  designation: 'authentication' | 'enrollment';
  sourceUuid: string;
  sourceName: string;
  /** authentication: the user to log in. enrollment: null until the user is written. */
  pendingUserId: number | null;
  /** User properties from the source (mappings applied, nulls stripped, `groups` removed). */
  promptData: Record<string, unknown>;
  userPath: string;
  connection: PendingConnection;
  groups: PendingGroup[];
  groupMatchingMode: string;
  /** Same-origin path to land on afterwards. */
  redirect: string;
  /** Kept in the logged-in session (e.g. the SAML NameID and SessionIndex for single logout). */
  sessionData?: Record<string, unknown>;
  /** Epoch ms after which the plan is void. */
  expiresAt: number;
}

export const FLOW_PLAN_KEY = 'flow_plan';
export const FLOW_PLAN_TTL_MS = 30 * 60 * 1000;

/** The parts of the browser session the flow services need (implemented in http/flows). */
export interface FlowSession {
  readonly userId: number | null;
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  flash(level: 'success' | 'error' | 'info' | 'warning', message: string): void;
  login(userId: number, carry?: Record<string, unknown>): void;
  logout(): void;
}

export type FlowOutcome =
  { kind: 'redirect'; location: string } | { kind: 'page'; status: number; title: string; message: string } | { kind: 'denied'; message: string };

/** Only same-origin absolute paths are honoured as post-login targets (no open redirect). */
export function safeRedirectPath(candidate: unknown): string | null {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 2048) return null;
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return null;
  // eslint-disable-next-line no-control-regex -- control characters in a redirect target are refused
  if (/[\u0000-\u001f\\]/.test(candidate)) return null;
  try {
    const u = new URL(candidate, 'http://same.invalid');
    const path = u.pathname + u.search + u.hash;
    // "/.//host" normalises to the protocol-relative "//host": check the result, not only the input.
    return u.origin === 'http://same.invalid' && !path.startsWith('//') && !path.startsWith('/\\') ? path : null;
  } catch {
    return null;
  }
}

export const USER_INTERFACE_PATH = '/if/user/';
/** Where authentik sends a browser after a successful link. */
export const USER_SETTINGS_SOURCES_PATH = '/if/user/#/settings;%7B%22page%22%3A%22page-sources%22%7D';
export const LOGIN_PATH = '/if/flow/default-authentication-flow/';
