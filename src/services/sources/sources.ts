/** Use cases of /sources/all/: every source regardless of kind, deletion, icons, user settings. */
import { BadRequestError, NotFoundError, ValidationError } from '../../errors/index.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import { BUILT_IN_SOURCE_MANAGED, type Source } from '../../domain/sources.js';
import type { ServiceContext } from '../context.js';
import { CONCRETE_KINDS, SOURCE_KINDS, type SourceKind } from '../../sources/kinds.js';
import { sourceUsedBy, type SourceRelations, type UsedByEntry } from './used-by.js';

export function listSources(ctx: ServiceContext, query: ListQuery): Promise<Page<Source>> {
  return ctx.store.repos.sources.list(null, query);
}

export async function getSource(repos: Repositories, slug: string): Promise<Source> {
  const source = await repos.sources.bySlug(slug);
  if (!source) throw NotFoundError.forModel('Source');
  return source;
}

/**
 * Deletes a source and what only exists for it (the kind's `beforeDelete`, e.g. a SCIM
 * source's service account). Connections and SCIM links cascade in the database. The built-in source
 * must always exist (docs/behaviour.md#built-in-source).
 */
export async function removeSource(repos: Repositories, source: Source, relations: SourceRelations = {}): Promise<void> {
  if (source.managed === BUILT_IN_SOURCE_MANAGED) throw new BadRequestError('Built-in sources cannot be deleted', 'protected');
  await relations.beforeDelete?.(repos, source);
  await repos.sources.delete(source.uuid);
}

/** The kind's relations of a source found without its kind (`/sources/all/`). */
export type RelationsOf = (kind: SourceKind) => SourceRelations | undefined;

export async function usedBySource(ctx: ServiceContext, slug: string, relationsOf: RelationsOf): Promise<UsedByEntry[]> {
  const source = await getSource(ctx.store.repos, slug);
  return sourceUsedBy(ctx.store.repos, source, relationsOf(source.kind));
}

export async function deleteSource(ctx: ServiceContext, slug: string, relationsOf: RelationsOf): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const source = await getSource(repos, slug);
    await removeSource(repos, source, relationsOf(source.kind));
  });
}

export async function setIconUrl(ctx: ServiceContext, slug: string, url: string): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const source = await getSource(repos, slug);
    await repos.sources.setIcon(source.uuid, url);
  });
}

/** Upload limits: icons are inlined as data: URLs, so keep them small. */
export const MAX_ICON_BYTES = 256 * 1024;

const IMAGE_SIGNATURES: Array<{ mime: string; test: (b: Buffer) => boolean }> = [
  { mime: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/gif', test: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')) },
  { mime: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  { mime: 'image/x-icon', test: (b) => b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0 },
  // SVG served as an <img> source cannot run script; still require it to really be SVG.
  { mime: 'image/svg+xml', test: (b) => /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(b.subarray(0, 4096).toString('utf8')) },
];

/**
 * `set_icon`: `clear` removes the icon; a file must be an image (sniffed from its bytes,
 * not trusted from the client's content type) and is stored inline as a data: URL.
 */
export async function setIconFile(ctx: ServiceContext, slug: string, input: { file: Buffer | null; clear: boolean }): Promise<void> {
  let icon = '';
  if (!input.clear) {
    if (!input.file || input.file.length === 0) throw ValidationError.field('file', 'No file was submitted.');
    if (input.file.length > MAX_ICON_BYTES) throw ValidationError.field('file', `Ensure this file is no larger than ${MAX_ICON_BYTES} bytes.`);
    const kind = IMAGE_SIGNATURES.find((s) => s.test(input.file!));
    if (!kind) throw ValidationError.field('file', 'Upload a valid image. The file you uploaded was either not an image or a corrupted image.');
    icon = `data:${kind.mime};base64,${input.file.toString('base64')}`;
  }
  await ctx.store.transaction(async (repos) => {
    const source = await getSource(repos, slug);
    await repos.sources.setIcon(source.uuid, icon);
  });
}

export interface SourceTypeInfo {
  name: string;
  description: string;
  component: string;
  model_name: string;
  icon_url: string | null;
  requires_enterprise: boolean;
  deprecated: boolean;
}

/** `/sources/all/types/`: the creatable kinds (the built-in base is not one). */
export function sourceTypes(): SourceTypeInfo[] {
  return CONCRETE_KINDS.map((k) => {
    const d = SOURCE_KINDS[k];
    return {
      name: d.verboseName,
      description: d.description,
      component: d.component,
      model_name: d.modelName,
      icon_url: d.iconUrl,
      requires_enterprise: false,
      deprecated: false,
    };
  });
}

export interface UserSettingEntry {
  object_uid: string;
  component: string;
  title: string;
  configure_url: string;
  icon_url: string | null;
}

/**
 * `/sources/all/user_settings/`: enabled sources a user can connect, ordered by name. No
 * policies can be bound to sources yet, so every enabled one passes.
 */
export async function userSettings(ctx: ServiceContext): Promise<UserSettingEntry[]> {
  const kinds = (Object.keys(SOURCE_KINDS) as Array<keyof typeof SOURCE_KINDS>).filter((k) => SOURCE_KINDS[k].userSettingsComponent);
  const sources = await ctx.store.repos.sources.enabledOfKinds(kinds);
  return sources.map((s) => {
    const d = SOURCE_KINDS[s.kind];
    return { object_uid: s.slug, component: d.userSettingsComponent!, title: s.name, configure_url: d.loginPath!(s.slug), icon_url: s.icon || null };
  });
}
