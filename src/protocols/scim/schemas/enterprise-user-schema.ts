import { ENTERPRISE_USER_SCHEMA } from '../constants.js';
import { complex, ref, str } from './attribute-dsl.js';

/** Enterprise User extension, RFC 7643 §4.3 / §8.7.1. */
export const ENTERPRISE_USER_SCHEMA_DEFINITION = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str(
      'employeeNumber',
      'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.',
    ),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    complex(
      `manager`,
      `The User's manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.`,
      [
        str('value', "The id of the SCIM resource representing the User's manager.", { required: true }),
        ref('$ref', `The URI of the SCIM resource representing the User's manager.`, { referenceTypes: ['User'] }),
        str('displayName', `The displayName of the User's manager.`, { mutability: 'readOnly' }),
      ],
    ),
  ],
} as const;
