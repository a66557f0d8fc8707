import type { z } from 'zod';

/** What a walk through the schema needs of a zod type: its definition. */
interface Def {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.core.$ZodType>>;
  readonly innerType?: z.core.$ZodType;
  readonly element?: z.core.$ZodType;
  readonly valueType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
}

const defOf = (t: z.core.$ZodType): Def => t._zod.def as unknown as Def;

/** The object schemas a value at `path` may be, looking through defaults, optionals, pipes and unions. */
function objectsAt(type: z.core.$ZodType, path: ReadonlyArray<PropertyKey>): Def[] {
  const def = defOf(type);
  if (def.innerType !== undefined) return objectsAt(def.innerType, path);
  if (def.type === 'pipe' && def.in !== undefined) return objectsAt(def.in, path);
  if (def.type === 'union' && def.options !== undefined) return def.options.flatMap((o) => objectsAt(o, path));
  if (path.length === 0) return def.type === 'object' ? [def] : [];
  const [step, ...rest] = path;
  if (def.type === 'object' && typeof step === 'string') {
    const child = def.shape?.[step];
    return child === undefined ? [] : objectsAt(child, rest);
  }
  if (def.type === 'array' && typeof step === 'number' && def.element !== undefined) return objectsAt(def.element, rest);
  if (def.type === 'record' && def.valueType !== undefined) return objectsAt(def.valueType, rest);
  return [];
}

/** The keys the schema allows in the object at `path` (for "did you mean"). */
export function knownKeysAt(schema: z.core.$ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}
