/**
 * Per-type "profile → base user properties" (authentik's per-type `get_base_user_properties`)
 * and per-type email verification signals. Values that are absent, null or of the wrong type
 * are omitted. The profile is the IdP's JSON: copies of it are written with `setOwn`, so a
 * `"__proto__"` key stays data and never becomes the prototype of the properties.
 */
import { ownValue, setOwn } from '../../domain/properties.js';
import { isJsonObject } from './http.js';
import type { BaseUserProperties, JsonObject } from './types.js';

export type PropertyBuilder = (profile: JsonObject) => BaseUserProperties;
export type EmailVerifiedReader = (profile: JsonObject) => boolean | null;

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Read a nested own value, e.g. `at(p, 'data', 'attributes', 'email')`. */
export function at(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isJsonObject(cur)) return undefined;
    cur = ownValue(cur, key);
  }
  return cur;
}

/** Booleans, and the strings "true"/"false" (Apple sends `email_verified` as a string). */
export function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

function compact(props: BaseUserProperties): BaseUserProperties {
  const out: BaseUserProperties = {};
  for (const [k, v] of Object.entries(props)) if (v !== undefined && v !== null) setOwn(out, k, v);
  return out;
}

export const oidcProperties: PropertyBuilder = (p) =>
  compact({
    username: str(p['nickname']) ?? str(p['preferred_username']),
    email: str(p['email']),
    name: str(p['name']),
  });

export const oktaProperties: PropertyBuilder = (p) => compact({ username: str(p['nickname']), email: str(p['email']), name: str(p['name']) });

export const appleProperties: PropertyBuilder = (p) => compact({ email: str(p['email']), name: str(p['name']) });

export const discordProperties: PropertyBuilder = (p) => compact({ username: str(p['username']), email: str(p['email']), name: str(p['username']) });

export const entraProperties: PropertyBuilder = (p) => {
  const other = p['otherMails'];
  const firstOther = Array.isArray(other) ? str(other[0]) : undefined;
  return compact({
    username: str(p['userPrincipalName']),
    email: str(p['mail']) ?? firstOther,
    name: str(p['displayName']),
  });
};

export const facebookProperties: PropertyBuilder = (p) => compact({ username: str(p['name']), email: str(p['email']), name: str(p['name']) });

/** GitHub's `/emails` fallback is supplied by the profile step (see profile.ts). */
export const githubProperties: PropertyBuilder = (p) => compact({ username: str(p['login']), email: str(p['email']), name: str(p['name']) });

export const gitlabProperties: PropertyBuilder = (p) =>
  compact({ username: str(p['preferred_username']), email: str(p['email']), name: str(p['name']) });

export const googleProperties: PropertyBuilder = (p) => compact({ email: str(p['email']), name: str(p['name']) });

export const mailcowProperties: PropertyBuilder = (p) =>
  compact({ username: str(p['full_name']), email: str(p['email']), name: str(p['full_name']) });

export const patreonProperties: PropertyBuilder = (p) =>
  compact({
    username: str(at(p, 'data', 'attributes', 'vanity')),
    email: str(at(p, 'data', 'attributes', 'email')),
    name: str(at(p, 'data', 'attributes', 'full_name')),
  });

export const redditProperties: PropertyBuilder = (p) => compact({ username: str(p['name']), name: str(p['name']) });

export const slackProperties: PropertyBuilder = (p) => compact({ username: str(p['name']), email: str(p['email']), name: str(p['name']) });

export const twitchProperties: PropertyBuilder = (p) =>
  compact({
    username: str(p['preferred_username']),
    email: str(p['email']),
    name: str(p['preferred_username']),
  });

export const twitterProperties: PropertyBuilder = (p) => compact({ username: str(at(p, 'data', 'username')), name: str(at(p, 'data', 'name')) });

const WECHAT_ATTRIBUTES = ['headimgurl', 'sex', 'city', 'province', 'country', 'unionid', 'openid'];

export const wechatProperties: PropertyBuilder = (p) => {
  const attributes: JsonObject = {};
  for (const key of WECHAT_ATTRIBUTES) {
    const value = ownValue(p, key);
    if (value !== undefined) setOwn(attributes, key, value);
  }
  return compact({
    username: str(p['unionid']) ?? str(p['openid']),
    name: str(p['nickname']),
    attributes,
  });
};

/** Generic default type: the raw profile as-is (groups normalised later, in identity.ts). */
export const rawProperties: PropertyBuilder = (p) => compact({ ...p });

export const oidcEmailVerified: EmailVerifiedReader = (p) => bool(p['email_verified']);
export const noEmailVerification: EmailVerifiedReader = () => null;
export const googleEmailVerified: EmailVerifiedReader = (p) => bool(p['verified_email']) ?? bool(p['email_verified']);
/** Discord's user object: `verified` = "whether the email on this account has been verified". */
export const discordEmailVerified: EmailVerifiedReader = (p) => bool(p['verified']);
export const patreonEmailVerified: EmailVerifiedReader = (p) => bool(at(p, 'data', 'attributes', 'is_email_verified'));
