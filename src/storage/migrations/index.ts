import * as m001 from './001-initial.js';

/** Ordered, forward-only. Append new migrations; never edit one that has shipped. */
export const migrations: ReadonlyArray<{ name: string; up: string }> = [m001];
