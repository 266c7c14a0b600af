/**
 * First-start objects, created idempotently (safe when several instances boot at once):
 * install id, built-in source, default source flows, and — when configured — the `akadmin`
 * superuser with its API token.
 */
import { randomUUID } from 'node:crypto';
import type { FlowDesignation } from '../domain/entities.js';
import { hashPassword } from '../security/passwords.js';
import type { Repositories } from '../storage/ports.js';
import type { ServiceContext } from './context.js';

export interface BootstrapOptions {
  password: string | null;
  token: string | null;
  email: string | null;
}

export const ADMIN_GROUP = 'authentik Admins';
export const BOOTSTRAP_TOKEN_IDENTIFIER = 'authentik-bootstrap-token';

const DEFAULT_FLOWS: Array<{ slug: string; name: string; title: string; designation: FlowDesignation; authentication: string }> = [
  {
    slug: 'default-source-authentication',
    name: 'Welcome to authentik!',
    title: 'Welcome to authentik!',
    designation: 'authentication',
    authentication: 'require_unauthenticated',
  },
  {
    slug: 'default-source-enrollment',
    name: 'Welcome to authentik! Please select a username.',
    title: 'Welcome to authentik! Please select a username.',
    designation: 'enrollment',
    authentication: 'require_unauthenticated',
  },
  {
    slug: 'default-source-pre-authentication',
    name: 'Pre-Authentication',
    title: 'Pre-Authentication',
    designation: 'stage_configuration',
    authentication: 'none',
  },
];

async function ensureFlows(repos: Repositories): Promise<void> {
  for (const f of DEFAULT_FLOWS) {
    if (await repos.flows.bySlug(f.slug)) continue;
    await repos.flows.create({ ...f, managed: `goauthentik.io/flows/${f.slug}` });
  }
}

async function ensureAdmin(repos: Repositories, options: BootstrapOptions): Promise<void> {
  if (!options.password && !options.token) return;
  let group = await repos.groups.byName(ADMIN_GROUP);
  if (!group) group = await repos.groups.create({ name: ADMIN_GROUP, isSuperuser: true });
  let admin = await repos.users.byUsername('akadmin');
  if (!admin) {
    admin = await repos.users.create({
      username: 'akadmin',
      name: 'authentik Default Admin',
      email: options.email ?? '',
      passwordHash: options.password ? await hashPassword(options.password) : null,
      type: 'internal',
    });
    await repos.groups.addMembers(group.uuid, [admin.id]);
  }
  if (options.token && !(await repos.tokens.byIdentifier(BOOTSTRAP_TOKEN_IDENTIFIER))) {
    await repos.tokens.create({
      identifier: BOOTSTRAP_TOKEN_IDENTIFIER,
      key: options.token,
      intent: 'api',
      userId: admin.id,
      description: 'authentik bootstrap token',
      expiring: false,
      managed: 'goauthentik.io/core/bootstrap-token',
    });
  }
}

/** Returns the install id. */
export async function bootstrap(ctx: Pick<ServiceContext, 'store'>, options: BootstrapOptions): Promise<string> {
  return ctx.store.transaction(async (repos) => {
    // Instances booting together take turns; each then sees what the previous one created.
    await repos.settings.lock('tributary:bootstrap');
    const installId = await repos.settings.putIfAbsent('install_id', randomUUID());
    await ensureFlows(repos);
    await repos.sources.ensureBuiltIn();
    await ensureAdmin(repos, options);
    return installId;
  });
}
