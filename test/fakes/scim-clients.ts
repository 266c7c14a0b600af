/**
 * Fake SCIM clients: the requests Microsoft Entra ID and Okta send when they provision, written
 * from their public documentation (Entra: "Develop and plan provisioning for a SCIM endpoint";
 * Okta: "SCIM 2.0 protocol reference" / "Build a SCIM provisioning integration"). Shapes and
 * client quirks are theirs (capitalised op names, "$ref": null, string booleans, path-less
 * replace with `id` echoed, `members[value eq "…"]` removal); the values are invented.
 */

export interface ScimReply {
  status: number;
  headers: Record<string, unknown>;
  body: any;
}

/** Transport: one request relative to the SCIM base URL (…/v2). */
export type Send = (method: string, path: string, body?: unknown) => Promise<ScimReply>;

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const q = (s: string) => encodeURIComponent(s);

export class EntraClient {
  constructor(private readonly send: Send) {}

  /** "Test connection": a query for a user that cannot exist must answer an empty list. */
  testConnection(): Promise<ScimReply> {
    return this.send('GET', `/Users?filter=${q('userName eq "non-existent user"')}`);
  }

  findUserByUserName(userName: string): Promise<ScimReply> {
    return this.send('GET', `/Users?filter=${q(`userName eq "${userName}"`)}`);
  }

  findUserByExternalId(externalId: string): Promise<ScimReply> {
    return this.send('GET', `/Users?filter=${q(`externalId eq "${externalId}"`)}`);
  }

  createUser(u: {
    externalId: string;
    userName: string;
    email: string;
    givenName: string;
    familyName: string;
    department?: string;
  }): Promise<ScimReply> {
    return this.send('POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      externalId: u.externalId,
      userName: u.userName,
      active: true,
      emails: [{ primary: true, type: 'work', value: u.email }],
      meta: { resourceType: 'User' },
      name: { formatted: `${u.givenName} ${u.familyName}`, familyName: u.familyName, givenName: u.givenName },
      roles: [],
      ...(u.department ? { [ENTERPRISE]: { department: u.department } } : {}),
    });
  }

  getUser(id: string): Promise<ScimReply> {
    return this.send('GET', `/Users/${id}`);
  }

  /** Multi-valued (filtered path) and single-valued replaces in one request. */
  updateEmailAndFamilyName(id: string, email: string, familyName: string): Promise<ScimReply> {
    return this.send('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: email },
        { op: 'Replace', path: 'name.familyName', value: familyName },
      ],
    });
  }

  updateUserName(id: string, userName: string): Promise<ScimReply> {
    return this.send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'userName', value: userName }] });
  }

  /** Entra's path-less Add with dotted keys and the enterprise manager. */
  addAttributes(id: string, displayName: string, managerId: string): Promise<ScimReply> {
    return this.send('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', value: { displayName, 'name.givenName': displayName.split(' ')[0], [`${ENTERPRISE}:manager`]: managerId } }],
    });
  }

  /** Entra sends booleans as strings ("False"). */
  disableUser(id: string): Promise<ScimReply> {
    return this.send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
  }

  deleteUser(id: string): Promise<ScimReply> {
    return this.send('DELETE', `/Users/${id}`);
  }

  createGroup(g: { externalId: string; displayName: string }): Promise<ScimReply> {
    return this.send('POST', '/Groups', {
      schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group'],
      externalId: g.externalId,
      displayName: g.displayName,
      meta: { resourceType: 'Group' },
    });
  }

  getGroup(id: string): Promise<ScimReply> {
    return this.send('GET', `/Groups/${id}?excludedAttributes=members`);
  }

  findGroupByDisplayName(displayName: string): Promise<ScimReply> {
    return this.send('GET', `/Groups?excludedAttributes=members&filter=${q(`displayName eq "${displayName}"`)}`);
  }

  renameGroup(id: string, displayName: string): Promise<ScimReply> {
    return this.send('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: displayName }] });
  }

  addMembers(groupId: string, userIds: string[]): Promise<ScimReply> {
    return this.send('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: userIds.map((value) => ({ $ref: null, value })) }],
    });
  }

  removeMembers(groupId: string, userIds: string[]): Promise<ScimReply> {
    return this.send('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: userIds.map((value) => ({ $ref: null, value })) }],
    });
  }

  deleteGroup(id: string): Promise<ScimReply> {
    return this.send('DELETE', `/Groups/${id}`);
  }
}

export class OktaClient {
  constructor(private readonly send: Send) {}

  /** "Test API credentials". */
  testCredentials(): Promise<ScimReply> {
    return this.send('GET', '/Users?startIndex=1&count=2');
  }

  findUserByUserName(userName: string): Promise<ScimReply> {
    return this.send('GET', `/Users?filter=${q(`userName eq "${userName}"`)}&startIndex=1&count=100`);
  }

  createUser(u: { userName: string; givenName: string; familyName: string; externalId: string; password: string }): Promise<ScimReply> {
    return this.send('POST', '/Users', {
      schemas: [USER],
      userName: u.userName,
      name: { givenName: u.givenName, familyName: u.familyName },
      emails: [{ primary: true, value: u.userName, type: 'work' }],
      displayName: `${u.givenName} ${u.familyName}`,
      locale: 'en-US',
      externalId: u.externalId,
      groups: [],
      password: u.password,
      active: true,
    });
  }

  getUser(id: string): Promise<ScimReply> {
    return this.send('GET', `/Users/${id}`);
  }

  /** Okta pushes profile changes as a full PUT of its own profile (not an echo of our GET). */
  replaceUser(id: string, u: { userName: string; givenName: string; familyName: string; externalId: string }): Promise<ScimReply> {
    return this.send('PUT', `/Users/${id}`, {
      schemas: [USER],
      id,
      userName: u.userName,
      name: { givenName: u.givenName, middleName: '', familyName: u.familyName },
      emails: [{ primary: true, value: u.userName, type: 'work' }],
      displayName: `${u.givenName} ${u.familyName}`,
      locale: 'en-US',
      externalId: u.externalId,
      groups: [],
      active: true,
    });
  }

  /** Deactivation / reactivation: a path-less replace of `active`. */
  setActive(id: string, active: boolean): Promise<ScimReply> {
    return this.send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] });
  }

  syncPassword(id: string, password: string): Promise<ScimReply> {
    return this.send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { password } }] });
  }

  importGroups(): Promise<ScimReply> {
    return this.send('GET', '/Groups?startIndex=1&count=100');
  }

  createGroup(displayName: string): Promise<ScimReply> {
    return this.send('POST', '/Groups', { schemas: [GROUP], displayName, members: [] });
  }

  getGroup(id: string): Promise<ScimReply> {
    return this.send('GET', `/Groups/${id}`);
  }

  /** Rename: path-less replace with the group's `id` echoed in the value. */
  renameGroup(id: string, displayName: string): Promise<ScimReply> {
    return this.send('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id, displayName } }] });
  }

  addMembers(groupId: string, members: Array<{ value: string; display: string }>): Promise<ScimReply> {
    return this.send('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: members }] });
  }

  removeMember(groupId: string, userId: string): Promise<ScimReply> {
    return this.send('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }] });
  }

  /** Full push of a group: name and the complete member list. */
  replaceGroup(id: string, displayName: string, members: Array<{ value: string; display: string }>): Promise<ScimReply> {
    return this.send('PUT', `/Groups/${id}`, { schemas: [GROUP], id, displayName, members });
  }

  deleteGroup(id: string): Promise<ScimReply> {
    return this.send('DELETE', `/Groups/${id}`);
  }
}
