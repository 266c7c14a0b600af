import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './constants.js';
import type { AttributeMap, AttributeMapping, FilterSchema } from './filter-query.js';

/*
 * Filterable attributes per resource type. Field names are plain strings the storage layer maps:
 *   uuid, external_id, username, name, is_active, created, last_modified — columns of the
 *   user / group / link row;
 *   members — the group's membership (elem fields: value = member user uuid, display = user name);
 *   "/…" — RFC 6901 JSON Pointers into the stored SCIM payload (link-row `attributes`); a user's
 *   "/emails" are those its representation shows (the payload's, else the email column).
 */

const str = (field: string, caseExact = false): AttributeMapping => ({ field, type: 'string', caseExact });
const json = (...segments: string[]): AttributeMapping => ({
  field: `/${segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`,
  type: 'json',
  caseExact: false,
});

const ID: AttributeMapping = { field: 'uuid', type: 'uuid', caseExact: false };
const EXTERNAL_ID = str('external_id', true); // RFC 7643 §3.1: externalId is caseExact
const META: AttributeMap = {
  'meta.created': { field: 'created', type: 'datetime', caseExact: false },
  'meta.lastmodified': { field: 'last_modified', type: 'datetime', caseExact: false },
};

/** Sub-attributes of one payload element of a multi-valued attribute (emails, phoneNumbers). */
const PAYLOAD_ELEMENT: AttributeMap = {
  value: str('value'),
  type: str('type'),
  display: str('display'),
  primary: { field: 'primary', type: 'boolean', caseExact: false },
};

const ENT = ENTERPRISE_USER_SCHEMA.toLowerCase();

export const USER_ATTRIBUTES: AttributeMap = {
  id: ID,
  externalid: EXTERNAL_ID,
  username: str('username'),
  active: { field: 'is_active', type: 'boolean', caseExact: false },
  displayname: str('name'),
  'name.formatted': str('name'),
  'name.familyname': json('name', 'familyName'),
  'name.givenname': json('name', 'givenName'),
  'name.middlename': json('name', 'middleName'),
  nickname: json('nickName'),
  title: json('title'),
  usertype: json('userType'),
  preferredlanguage: json('preferredLanguage'),
  locale: json('locale'),
  timezone: json('timezone'),
  // `emails co "x"`, `emails.value eq "x"` and `emails[value eq "x"]` match when ANY email
  // matches (RFC 7644 §3.4.2.2), over the emails the representation shows (storage maps them).
  emails: { ...json('emails'), multi: true, elem: PAYLOAD_ELEMENT },
  phonenumbers: { ...json('phoneNumbers'), multi: true, elem: PAYLOAD_ELEMENT },
  [`${ENT}:employeenumber`]: json(ENTERPRISE_USER_SCHEMA, 'employeeNumber'),
  [`${ENT}:costcenter`]: json(ENTERPRISE_USER_SCHEMA, 'costCenter'),
  [`${ENT}:organization`]: json(ENTERPRISE_USER_SCHEMA, 'organization'),
  [`${ENT}:division`]: json(ENTERPRISE_USER_SCHEMA, 'division'),
  [`${ENT}:department`]: json(ENTERPRISE_USER_SCHEMA, 'department'),
  [`${ENT}:manager.value`]: json(ENTERPRISE_USER_SCHEMA, 'manager', 'value'),
  ...META,
};

const GROUP_ATTRIBUTES: AttributeMap = {
  id: ID,
  externalid: EXTERNAL_ID,
  displayname: str('name'),
  members: {
    field: 'members',
    type: 'json',
    caseExact: false,
    multi: true,
    elem: {
      value: { field: 'value', type: 'uuid', caseExact: false },
      display: str('display'),
    },
  },
  ...META,
};

export const USER_FILTER_SCHEMA: FilterSchema = { coreSchema: USER_SCHEMA, attributes: USER_ATTRIBUTES };
export const GROUP_FILTER_SCHEMA: FilterSchema = { coreSchema: GROUP_SCHEMA, attributes: GROUP_ATTRIBUTES };
