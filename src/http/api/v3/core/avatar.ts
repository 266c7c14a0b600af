import type { User } from '../../../../domain/entities.js';

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * authentik's "initials" avatar mode, rendered inline: no request to a third party
 * (gravatar) leaks who is looking at which user.
 */
export function avatarFor(user: Pick<User, 'name' | 'username'>): string {
  const source = (user.name || user.username).trim();
  const initials =
    source
      .split(/\s+/)
      .slice(0, 2)
      .map((w) => [...w][0] ?? '')
      .join('')
      .toUpperCase() || '?';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100" fill="#3b5b7a"/><text x="50" y="50" fill="#fff" font-family="sans-serif" font-size="40" text-anchor="middle" dominant-baseline="central">${escapeXml(initials)}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
