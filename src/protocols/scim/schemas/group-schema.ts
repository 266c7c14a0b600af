import { GROUP_SCHEMA } from '../constants.js';
import { complex, ref, str } from './attribute-dsl.js';

/** Core Group, RFC 7643 §4.2 / §8.7.1. */
export const GROUP_SCHEMA_DEFINITION = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    // §8.7.1 lists required false, but §4.2 calls displayName REQUIRED and we reject groups without it.
    str('displayName', 'A human-readable name for the Group.', { required: true }),
    complex(
      'members',
      'A list of members of the Group.',
      [
        str('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        ref('$ref', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          referenceTypes: ['User', 'Group'],
          mutability: 'immutable',
        }),
        str('display', 'A human-readable name of the member.', { mutability: 'readOnly' }),
        str('type', "A label indicating the type of resource, e.g. 'User' or 'Group'.", {
          canonicalValues: ['User', 'Group'],
          mutability: 'immutable',
        }),
      ],
      { multiValued: true },
    ),
  ],
} as const;
