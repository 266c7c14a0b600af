/** SCIM 2.0 server use cases (issue 6), one per file. */
export * from './deps.js';
export { WriteQueue } from './write-queue.js';
export { authenticateScim } from './authenticate.js';
export { getScimUser } from './find-user.js';
export { listScimUsers, type ListParams } from './list-users.js';
export { provisionScimUser } from './provision-user.js';
export { replaceScimUser } from './replace-user.js';
export { patchScimUser } from './patch-user.js';
export { deleteScimUser } from './delete-user.js';
export { getScimGroup } from './find-group.js';
export { listScimGroups } from './list-groups.js';
export { provisionScimGroup } from './provision-group.js';
export { replaceScimGroup } from './replace-group.js';
export { patchScimGroup } from './patch-group.js';
export { deleteScimGroup } from './delete-group.js';
