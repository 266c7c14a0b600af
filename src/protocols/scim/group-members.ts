import { ScimError } from './errors.js';
import type { Filter } from './filter-ast.js';
import { getCi, isPlainObject, isUuid } from './json.js';
import { parsePatchPath } from './patch-path.js';
import type { PatchTarget } from './patch-path.js';
import { parsePatchRequest } from './patch-request.js';
import type { PatchOperation } from './patch-request.js';

/**
 * Net membership change of one PATCH request, to be applied by storage in one statement set,
 * without reading the member list first. Either `replace` is set (the exact new member set;
 * then add/remove are empty and removeAll is false), or: if `removeAll`, delete every
 * membership; then delete `remove`; then insert `add` (add and remove are disjoint).
 * Ids are lower-cased user UUIDs; values that are not UUIDs cannot name a user and are dropped
 * like unknown ids.
 */
export interface MemberChanges {
  replace?: string[];
  add: string[];
  remove: string[];
  removeAll: boolean;
}

export interface GroupPatchPlan {
  readonly members: MemberChanges;
  /** True when any operation addressed `members`. */
  readonly touchesMembers: boolean;
  /** Everything else, for applyPatchOperations on the stored payload — apply it (it may throw) before writing members. */
  readonly otherOperations: PatchOperation[];
}

/** Split a Group PatchOp request (RFC 7644 §3.5.2) into member changes and other operations. */
export function planGroupPatch(body: unknown): GroupPatchPlan {
  const acc = new MemberAccumulator();
  const otherOperations: PatchOperation[] = [];
  let touchesMembers = false;
  for (const op of parsePatchRequest(body)) {
    if (op.path === undefined) {
      if (op.op === 'remove' || !isPlainObject(op.value)) {
        otherOperations.push(op); // invalid; applyPatchOperations reports it
        continue;
      }
      const rest: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(op.value)) {
        if (isMembersPath(key)) {
          touchesMembers = true;
          acc.apply(op.op, memberIds(value));
        } else {
          rest[key] = value;
        }
      }
      if (Object.keys(rest).length > 0) otherOperations.push({ op: op.op, value: rest });
      continue;
    }
    const target = parsePatchPath(op.path);
    if (target.uri || target.attr.toLowerCase() !== 'members') {
      otherOperations.push(op);
      continue;
    }
    touchesMembers = true;
    applyMembersOperation(acc, op, target);
  }
  return { members: acc.result(), touchesMembers, otherOperations };
}

function isMembersPath(key: string): boolean {
  const t = parsePatchPath(key);
  if (!t.uri && t.attr.toLowerCase() === 'members') {
    if (t.filter || t.sub) throw ScimError.invalidPath(`"${key}" is not supported in a path-less value.`);
    return true;
  }
  return false;
}

function applyMembersOperation(acc: MemberAccumulator, op: PatchOperation, t: PatchTarget): void {
  if (t.sub) throw ScimError.invalidPath(`Sub-attribute "members.${t.sub}" cannot be patched; patch "members".`);
  if (t.filter) {
    if (op.op !== 'remove') {
      throw ScimError.invalidPath('A "members[…]" value filter is only supported with "remove".');
    }
    acc.apply('remove', idsFromFilter(t.filter));
    return;
  }
  if (op.op === 'remove' && (op.value === undefined || op.value === null)) acc.removeAll();
  else acc.apply(op.op, memberIds(op.value));
}

/** `[{value: id}, …]`, a single `{value: id}`, or null (an empty replace). */
function memberIds(value: unknown): string[] {
  if (value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => {
    const id = isPlainObject(item) ? getCi(item, 'value') : undefined;
    if (typeof id !== 'string') {
      throw ScimError.invalidValue(`Member ${i} must be an object with a string "value" (the user id).`);
    }
    return id;
  });
}

/** `value eq "id"`, or an `or` of such comparisons. */
function idsFromFilter(f: Filter): string[] {
  if (f.type === 'logical' && f.op === 'or') return f.filters.flatMap(idsFromFilter);
  if (f.type === 'compare' && f.op === 'eq' && typeof f.value === 'string' && !f.path.sub && f.path.name.toLowerCase() === 'value') {
    return [f.value];
  }
  throw ScimError.invalidFilter('A "members[…]" filter must be value eq "<id>" (optionally joined with "or").');
}

class MemberAccumulator {
  private replace: Set<string> | undefined;
  private readonly add = new Set<string>();
  private readonly remove = new Set<string>();
  private clearAll = false;

  apply(op: PatchOperation['op'], rawIds: readonly string[]): void {
    const ids = rawIds.filter(isUuid).map((id) => id.toLowerCase());
    if (op === 'replace') {
      this.replace = new Set(ids);
      this.add.clear();
      this.remove.clear();
      this.clearAll = false;
    } else if (op === 'add') {
      for (const id of ids) {
        if (this.replace) this.replace.add(id);
        else this.add.add(id);
        this.remove.delete(id);
      }
    } else {
      for (const id of ids) {
        if (this.replace) this.replace.delete(id);
        else if (!this.clearAll) this.remove.add(id);
        this.add.delete(id);
      }
    }
  }

  removeAll(): void {
    if (this.replace) this.replace.clear();
    else this.clearAll = true;
    this.add.clear();
    this.remove.clear();
  }

  result(): MemberChanges {
    if (this.replace) return { replace: [...this.replace], add: [], remove: [], removeAll: false };
    return { add: [...this.add], remove: [...this.remove], removeAll: this.clearAll };
  }
}
