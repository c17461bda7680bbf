// The keys of a registry (a record keyed by name: export formats, report views): in declaration
// order, and a runtime check that a value from outside (a message, a URL hash) is one of them.
// Own keys only, so "toString" or "__proto__" are never taken for an entry.

export function registryIds<K extends string>(table: Readonly<Record<K, unknown>>): K[] {
  return Object.keys(table) as K[];
}

export function isRegistryId<K extends string>(table: Readonly<Record<K, unknown>>, x: unknown): x is K {
  return typeof x === 'string' && Object.hasOwn(table, x);
}
