// The one merge of configuration layers (policy and hardware JSON: a preset or file, then the
// user's overrides). Objects merge key by key; arrays, scalars and tagged objects (a schedule with
// a `kind`) replace: an override that switches a schedule from `ramp` to `per-layer` must not
// inherit the ramp's fields. The CLI, the extension and the engine's presets all merge through it.

/**
 * A plain copy of JSON configuration. Not structuredClone: VS Code hands settings out as read-only
 * proxies, which structured cloning refuses ("could not be cloned"); JSON sees through them.
 */
function jsonCopy<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges `source` into `target` in place (see above); returns `target`. */
export function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current) && !('kind' in value)) mergeInto(current, value);
    else target[key] = jsonCopy(value);
  }
  return target;
}

/** A new object: `base` with each layer of overrides merged over it in order. Inputs are not changed. */
export function mergeConfigLayers(base: Record<string, unknown>, ...layers: Record<string, unknown>[]): Record<string, unknown> {
  const out = jsonCopy(base);
  for (const layer of layers) mergeInto(out, layer);
  return out;
}
