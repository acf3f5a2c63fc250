/**
 * A value computed once with a placeholder standing for a name in its text, then filled in for
 * each name it is used with. Filling copies only the arrays and objects on a path to a string
 * that holds the placeholder: the rest stays the one object, so what does not name the name is
 * shared between its uses (and stays equal by identity, as the step pool wants). An object the
 * value holds twice (a prediction's chosen build is one of its two builds) is copied once, so the
 * filled value shares as the value does.
 *
 * Plain data only (arrays, plain objects, primitives): a Map, Set or class instance could hide the
 * placeholder from the walk, so compiling one throws rather than let the placeholder out.
 */
export type Fill<T> = (name: string) => T;

/** Fills one node; `done` holds the copies made by this fill, by the node they copy. */
type Filler = (name: string, done: Map<object, unknown>) => unknown;

/** Compiled nodes: null when nothing under the node holds the placeholder. */
type Compiled = Map<object, Filler | null | 'walking'>;

function compileString(v: string, placeholder: string): Filler | null {
  if (!v.includes(placeholder)) return null;
  const parts = v.split(placeholder);
  return (name) => parts.join(name);
}

/** The object (or array) copied once per fill, with each filler's result at its key. */
function copier(v: object, fillers: [string | number, Filler][]): Filler {
  return (name, done) => {
    const copied = done.get(v);
    if (copied) return copied;
    // the spread keeps the key order, so the JSON of a filled value is the direct one's
    const out = (Array.isArray(v) ? [...(v as unknown[])] : { ...v }) as Record<
      string | number,
      unknown
    >;
    done.set(v, out);
    for (const [k, f] of fillers) out[k] = f(name, done);
    return out;
  };
}

function compile(v: unknown, placeholder: string, compiled: Compiled): Filler | null {
  if (typeof v === 'string') return compileString(v, placeholder);
  if (v === null || typeof v !== 'object') return null;
  const known = compiled.get(v);
  // a value that holds itself would keep, in the copy, a path back to the unfilled original
  if (known === 'walking') throw new Error('placeholder: cannot fill a value that holds itself');
  if (known !== undefined) return known;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (!Array.isArray(v) && proto !== Object.prototype && proto !== null)
    throw new Error(`placeholder: cannot look inside a ${v.constructor.name}`);
  compiled.set(v, 'walking');
  const fillers: [string | number, Filler][] = [];
  if (Array.isArray(v))
    v.forEach((x: unknown, i) => {
      const f = compile(x, placeholder, compiled);
      if (f) fillers.push([i, f]);
    });
  else
    for (const [k, x] of Object.entries(v)) {
      const f = compile(x, placeholder, compiled);
      if (f) fillers.push([k, f]);
    }
  const f = fillers.length > 0 ? copier(v, fillers) : null;
  compiled.set(v, f);
  return f;
}

/** `value` with `placeholder` replaced by the name in every string, as a function of the name. */
export function fillable<T>(value: T, placeholder: string): Fill<T> {
  const f = compile(value, placeholder, new Map());
  return f ? (name) => f(name, new Map()) as T : () => value;
}
