import * as m001 from './001-initial.js';
import * as m002 from './002-source-list-indexes.js';
import * as m003 from './003-temporary-users.js';
import * as m004 from './004-user-connection-counters.js';
import * as m005 from './005-row-counts.js';
import * as m006 from './006-username-trigram.js';
import * as m010 from './010-scim-filter.js';
import * as m011 from './011-sharded-connection-counts.js';
import * as m012 from './012-scim-username-case-insensitive.js';
import * as m013 from './013-auth-throttle.js';

/** Ordered, forward-only. Append new migrations; never edit one that has shipped. */
export const migrations: ReadonlyArray<{ name: string; up: string }> = [m001, m002, m003, m004, m005, m006, m010, m011, m012, m013];
