// The zone tree as the API edits it (Z1, Z2): one zone created, replaced or removed, the whole
// tree checked again, and each broken rule turned into the request field that caused it. Pure.
import { validateZoneTree, type ZoneRule, type ZoneSpec, type ZoneTreeContext, type ZoneTreeError } from '../../domain/index.js';

/** Which field of a zone body each Z2 rule points at. */
const RULE_FIELD: Record<ZoneRule, string> = {
  'unique-name': 'name',
  'max-current-positive': 'maxCurrentA',
  'parent-exists': 'parent',
  'no-cycle': 'parent',
  'max-depth': 'parent',
  'child-within-parent': 'maxCurrentA',
  'dynamic-needs-meter': 'meter',
  'meter-in-one-zone': 'meter',
  'fallback-within-max': 'fallbackCurrentA',
  'meter-not-reporting': 'meter',
};

export interface ZoneEditProblem {
  rule: ZoneRule;
  /** The zone the rule names: the edited one or a neighbour (a child above a lowered parent). */
  zone: string;
  field: string;
  message: string;
}

/**
 * The rules that `after` breaks and `before` did not (a stored tree is valid, but an old database
 * should not block every edit). `context` is what the rules need besides the tree (the meters).
 */
export function zoneEditProblems(before: readonly ZoneSpec[], after: readonly ZoneSpec[], context: ZoneTreeContext = {}): ZoneEditProblem[] {
  const key = (e: ZoneTreeError) => `${e.zone}\u0000${e.rule}`;
  const old = new Set(validateZoneTree(before, context).map(key));
  return validateZoneTree(after, context)
    .filter((e) => !old.has(key(e)))
    .map((e) => ({ rule: e.rule, zone: e.zone, field: `body.${RULE_FIELD[e.rule]}`, message: e.message }));
}

/** The tree with `zone` put in place of the zone named `name` (or added when there is none). */
export function withZone(zones: readonly ZoneSpec[], name: string, zone: ZoneSpec): ZoneSpec[] {
  const found = zones.some((z) => z.name === name);
  return found ? zones.map((z) => (z.name === name ? zone : z)) : [...zones, zone];
}

export interface TreeNode<T extends { name: string; parent: string | null }> {
  zone: T;
  depth: number;
  children: string[];
}

/** Depth first, siblings in their stored order: the order a tree view shows. */
export function treeOrder<T extends { name: string; parent: string | null }>(zones: readonly T[]): TreeNode<T>[] {
  const names = new Set(zones.map((z) => z.name));
  const childrenOf = new Map<string | null, T[]>();
  for (const z of zones) {
    const parent = z.parent !== null && names.has(z.parent) ? z.parent : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), z]);
  }
  const out: TreeNode<T>[] = [];
  const seen = new Set<string>();
  const visit = (z: T, depth: number): void => {
    if (seen.has(z.name)) return;
    seen.add(z.name);
    const children = childrenOf.get(z.name) ?? [];
    out.push({ zone: z, depth, children: children.map((c) => c.name) });
    for (const c of children) visit(c, depth + 1);
  };
  for (const z of childrenOf.get(null) ?? []) visit(z, 1);
  for (const z of zones) visit(z, 1); // a cycle in an old database: shown, not lost
  return out;
}
