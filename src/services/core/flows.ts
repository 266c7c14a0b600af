/** Use cases for /flows/instances/: the flow objects sources point at. */
import type { Flow } from '../../domain/entities.js';
import { NotFoundError, ValidationError } from '../../errors/index.js';
import type { ListQuery, NewFlow, Page, Repositories } from '../../storage/ports.js';
import type { ServiceContext } from '../context.js';

export interface FlowInput {
  name?: string;
  slug?: string;
  title?: string;
  designation?: NewFlow['designation'];
  policy_engine_mode?: string;
  compatibility_mode?: boolean;
  layout?: string;
  denied_action?: string;
  authentication?: string;
}

function toNewFlow(input: FlowInput): Partial<NewFlow> {
  return {
    name: input.name,
    slug: input.slug,
    title: input.title,
    designation: input.designation,
    policyEngineMode: input.policy_engine_mode,
    compatibilityMode: input.compatibility_mode,
    layout: input.layout,
    deniedAction: input.denied_action,
    authentication: input.authentication,
  };
}

export function listFlows(ctx: ServiceContext, query: ListQuery): Promise<Page<Flow>> {
  return ctx.store.repos.flows.list(query);
}

export async function getFlow(repos: Repositories, slug: string): Promise<Flow> {
  const flow = await repos.flows.bySlug(slug);
  if (!flow) throw NotFoundError.forModel('Flow');
  return flow;
}

async function checkSlug(repos: Repositories, slug: string | undefined, selfUuid?: string): Promise<void> {
  if (slug === undefined) return;
  const clash = await repos.flows.bySlug(slug);
  if (clash && clash.uuid !== selfUuid) throw ValidationError.field('slug', 'flow with this slug already exists.');
}

export function createFlow(ctx: ServiceContext, input: FlowInput): Promise<Flow> {
  return ctx.store.transaction(async (repos) => {
    await checkSlug(repos, input.slug);
    return repos.flows.create(toNewFlow(input) as NewFlow);
  });
}

export function updateFlow(ctx: ServiceContext, slug: string, input: FlowInput): Promise<Flow> {
  return ctx.store.transaction(async (repos) => {
    const flow = await getFlow(repos, slug);
    await checkSlug(repos, input.slug, flow.uuid);
    return repos.flows.update(flow.uuid, toNewFlow(input));
  });
}

export async function deleteFlow(ctx: ServiceContext, slug: string): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const flow = await getFlow(repos, slug);
    await repos.flows.delete(flow.uuid);
  });
}
