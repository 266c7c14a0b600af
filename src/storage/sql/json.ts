/** jsonb parameters must be passed as JSON text: pg would turn JS arrays into SQL arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? {});
}
