/**
 * Values PostgreSQL refuses to store are the client's error (400), never a 500. The mapping
 * lives with the other SQL error translations (../errors.ts) and is the one every store uses.
 */
export { guardDataErrors } from '../errors.js';
