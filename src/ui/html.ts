/** Tiny HTML helpers: every interpolated value goes through `esc`. */

/** What a page may interpolate: values with a meaningful text form (never an object). */
export type Scalar = string | number | boolean | bigint | null | undefined;

export function esc(value: Scalar): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A tagged template whose interpolations are escaped unless wrapped in `raw()`. */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string): Raw => new Raw(html);

export function html(strings: TemplateStringsArray, ...values: Array<Scalar | Raw | Array<Scalar | Raw>>): Raw {
  let out = strings[0];
  values.forEach((v, i) => {
    const rendered = Array.isArray(v) ? v.map((x) => (x instanceof Raw ? x.html : esc(x))).join('') : v instanceof Raw ? v.html : esc(v);
    out += rendered + strings[i + 1];
  });
  return new Raw(out);
}
