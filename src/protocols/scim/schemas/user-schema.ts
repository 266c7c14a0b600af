import { USER_SCHEMA } from '../constants.js';
import { binary, bool, complex, ref, str, typedValues } from './attribute-dsl.js';
import type { SchemaAttribute } from './attribute-dsl.js';

/** Core User attributes, RFC 7643 §4.1 / §8.7.1 (descriptions shortened). */
const attributes: readonly SchemaAttribute[] = [
  str('userName', 'Unique identifier for the User, typically used by the user to directly authenticate to the service provider.', {
    required: true,
    uniqueness: 'server',
  }),
  complex('name', `The components of the user's real name.`, [
    str('formatted', `The full name, including all middle names, titles, and suffixes as appropriate, formatted for display.`),
    str('familyName', 'The family name of the User, or last name in most Western languages.'),
    str('givenName', 'The given name of the User, or first name in most Western languages.'),
    str('middleName', 'The middle name(s) of the User.'),
    str('honorificPrefix', 'The honorific prefix(es) of the User, or title in most Western languages.'),
    str('honorificSuffix', 'The honorific suffix(es) of the User, or suffix in most Western languages.'),
  ]),
  str('displayName', 'The name of the User, suitable for display to end-users.'),
  str('nickName', 'The casual way to address the user in real life.'),
  ref('profileUrl', `A fully qualified URL pointing to a page representing the User's online profile.`),
  str('title', `The user's title, such as "Vice President".`),
  str('userType', 'Used to identify the relationship between the organization and the user.'),
  str('preferredLanguage', `Indicates the User's preferred written or spoken language (RFC 7231 Accept-Language format).`),
  str('locale', `Used to indicate the User's default location for localizing items (language tag).`),
  str('timezone', `The User's time zone in the 'Olson' time zone database format, e.g. 'America/Los_Angeles'.`),
  bool('active', `A Boolean value indicating the User's administrative status.`),
  str('password', `The User's cleartext password, used to set or compare it; never returned.`, {
    mutability: 'writeOnly',
    returned: 'never',
  }),
  typedValues('emails', 'Email addresses for the user.', str('value', 'Email address for the user, canonicalized per RFC 5321.'), [
    'work',
    'home',
    'other',
  ]),
  typedValues('phoneNumbers', 'Phone numbers for the User.', str('value', 'Phone number of the User.'), [
    'work',
    'home',
    'mobile',
    'fax',
    'pager',
    'other',
  ]),
  typedValues('ims', 'Instant messaging addresses for the User.', str('value', 'Instant messaging address for the User.'), [
    'aim',
    'gtalk',
    'icq',
    'xmpp',
    'msn',
    'skype',
    'qq',
    'yahoo',
  ]),
  typedValues('photos', 'URLs of photos of the User.', ref('value', 'URL of a photo of the User.'), ['photo', 'thumbnail']),
  complex(
    'addresses',
    'A physical mailing address for this User.',
    [
      str('formatted', 'The full mailing address, formatted for display or use with a mailing label.'),
      str('streetAddress', 'The full street address component, which may include house number, street name, P.O. box.'),
      str('locality', 'The city or locality component.'),
      str('region', 'The state or region component.'),
      str('postalCode', 'The zip code or postal code component.'),
      str('country', 'The country name component (ISO 3166-1 alpha-2).'),
      str('type', `A label indicating the attribute's function.`, { canonicalValues: ['work', 'home', 'other'] }),
      bool('primary', `A Boolean value indicating the 'primary' or preferred address.`),
    ],
    { multiValued: true },
  ),
  complex(
    'groups',
    'A list of groups to which the user belongs, either through direct membership or through nested groups.',
    [
      str('value', `The identifier of the User's group.`, { mutability: 'readOnly' }),
      ref('$ref', `The URI of the corresponding 'Group' resource to which the user belongs.`, {
        referenceTypes: ['User', 'Group'],
        mutability: 'readOnly',
      }),
      str('display', 'A human-readable name, primarily used for display purposes.', { mutability: 'readOnly' }),
      str('type', `A label indicating the attribute's function, e.g. 'direct' or 'indirect'.`, {
        canonicalValues: ['direct', 'indirect'],
        mutability: 'readOnly',
      }),
    ],
    { multiValued: true, mutability: 'readOnly' },
  ),
  typedValues(
    'entitlements',
    'A list of entitlements for the User that represent a thing the User has.',
    str('value', 'The value of an entitlement.'),
    undefined,
  ),
  typedValues('roles', 'A list of roles for the User that collectively represent who the User is.', str('value', 'The value of a role.'), undefined),
  typedValues(
    'x509Certificates',
    'A list of certificates issued to the User.',
    binary('value', 'The value of an X.509 certificate (DER, base64).'),
    undefined,
  ),
];

export const USER_SCHEMA_DEFINITION = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes,
} as const;
