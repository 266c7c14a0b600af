/**
 * authentik's `attributes` list filter: a JSON object whose entries are Django JSONField key
 * lookups (`attributes__<key>=<value>`); a key containing `__` walks into nested objects.
 */
import { sql, type RawBuilder } from 'kysely';

export function attributesMatch(column: string, json: string): RawBuilder<boolean> {
  const wanted = JSON.parse(json) as Record<string, unknown>;
  const conditions = Object.entries(wanted).map(([key, value]) => {
    const path = key.split('__');
    return sql<boolean>`(${sql.raw(column)} #> ${path}::text[]) = ${JSON.stringify(value ?? null)}::jsonb`;
  });
  return conditions.length === 0 ? sql<boolean>`true` : sql<boolean>`(${sql.join(conditions, sql` AND `)})`;
}
