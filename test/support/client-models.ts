/**
 * Reads the generated @goauthentik/api 2024.8.3 model code to learn which keys a model
 * requires: those its `…FromJSONTyped` reads without an `exists(json, …)` guard. The client's
 * FromJSON accepts anything, so contract tests assert these keys on the raw JSON instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const modelsDir = path.join(path.dirname(require.resolve('@goauthentik/api/package.json')), 'dist', 'models');

export interface ModelKeys {
  required: string[];
  optional: string[];
  /** required key → nested model name, for keys parsed with another model's FromJSON */
  nested: Record<string, string>;
}

const cache = new Map<string, ModelKeys>();

export function modelKeys(model: string): ModelKeys {
  const hit = cache.get(model);
  if (hit) return hit;
  const source = readFileSync(path.join(modelsDir, `${model}.js`), 'utf8');
  const body = new RegExp(`function ${model}FromJSONTyped\\(json, ignoreDiscriminator\\) \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1];
  if (!body) throw new Error(`no FromJSONTyped in ${model}`);
  const required: string[] = [];
  const optional: string[] = [];
  const nested: Record<string, string> = {};
  for (const line of body.split('\n')) {
    const m = /^\s+'[A-Za-z0-9_]+': (.*)$/.exec(line);
    if (!m) continue;
    const keyMatch = /json\['([^']+)'\]/.exec(m[1]);
    if (!keyMatch) continue;
    const key = keyMatch[1];
    if (m[1].includes(`exists)(json, '${key}')`)) optional.push(key);
    else required.push(key);
    const n = /([A-Za-z0-9]+)_1\.\1FromJSON\)?\(?/.exec(m[1]);
    if (n && !n[1].endsWith('Enum')) nested[key] = n[1];
  }
  const keys = { required, optional, nested };
  cache.set(model, keys);
  return keys;
}

/** Keys the model requires that `json` lacks, recursing into nested models (arrays included). */
export function missingRequiredKeys(model: string, json: unknown, at = model): string[] {
  if (json === null || typeof json !== 'object') return [`${at}: not an object`];
  const { required, nested } = modelKeys(model);
  const obj = json as Record<string, unknown>;
  const missing: string[] = [];
  for (const key of required) {
    if (!(key in obj)) {
      missing.push(`${at}.${key}`);
      continue;
    }
    const sub = nested[key];
    const value = obj[key];
    if (!sub || value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) value.forEach((v, i) => missing.push(...missingRequiredKeys(sub, v, `${at}.${key}[${i}]`)));
    else missing.push(...missingRequiredKeys(sub, value, `${at}.${key}`));
  }
  return missing;
}
