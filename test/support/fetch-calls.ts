/** What a fake fetch port was called with, as text (the ports under test pass strings, URLs and URLSearchParams). */

export function requestUrl(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

export function bodyText(body: BodyInit | null | undefined): string {
  if (body === null || body === undefined) return '';
  if (typeof body === 'string' || body instanceof URLSearchParams) return body.toString();
  throw new Error(`a fetch port got a ${Object.prototype.toString.call(body)} body; the helpers read strings and URLSearchParams`);
}
