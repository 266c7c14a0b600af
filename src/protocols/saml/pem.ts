/** The base64 body of a PEM certificate: header, footer and all whitespace removed. */
export function certificateBody(pem: string): string {
  return pem
    .replace(/-----BEGIN CERTIFICATE-----/g, '')
    .replace(/-----END CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
}

/** A base64 certificate body (e.g. from metadata) as PEM with 64-character lines. */
export function certificatePem(body: string): string {
  const compact = body.replace(/\s+/g, '');
  const lines = compact.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
