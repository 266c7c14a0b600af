/** Domain records → SCIM resources (protocols/scim/resources.ts), with attribute selection. */
import { buildGroupResource, buildUserResource, compileProjection, type JsonObject } from '../../protocols/scim/index.js';
import type { ScimGroupRecord, ScimMember, ScimUserRecord } from '../../storage/scim-ports.js';
import type { ScimView } from './deps.js';

/**
 * The link row always has an external id (NOT NULL; its own id when the client never sent one).
 * Only a client-supplied one is shown, so responses echo what the client sent.
 */
function visibleExternalId(record: { linkId: string; externalId: string }): string | null {
  return record.externalId === record.linkId ? null : record.externalId;
}

export function userResource(u: ScimUserRecord, view: ScimView): JsonObject {
  return buildUserResource(
    {
      uuid: u.uuid,
      externalId: visibleExternalId(u),
      username: u.username,
      name: u.name,
      email: u.email,
      isActive: u.isActive,
      created: u.created,
      lastModified: u.lastModified,
      payload: u.payload,
    },
    { baseUrl: view.baseUrl },
  );
}

export function groupResource(g: ScimGroupRecord, members: readonly ScimMember[], view: ScimView): JsonObject {
  return buildGroupResource(
    {
      uuid: g.uuid,
      externalId: visibleExternalId(g),
      name: g.name,
      members,
      created: g.created,
      lastModified: g.lastModified,
      payload: g.payload,
    },
    { baseUrl: view.baseUrl },
  );
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.9), compiled once per request. */
export function projectionOf(view: ScimView): (r: JsonObject) => JsonObject {
  return compileProjection({ attributes: view.attributes, excludedAttributes: view.excludedAttributes });
}

/**
 * Whether the selection keeps `members`: Entra ID asks for groups with
 * `excludedAttributes=members`, and loading thousands of members only to drop them is waste.
 */
export function wantsMembers(view: ScimView): boolean {
  const probe = projectionOf(view)({ schemas: [], id: '', members: [{ value: '', display: '' }] });
  return Object.keys(probe).some((k) => k.toLowerCase() === 'members');
}
