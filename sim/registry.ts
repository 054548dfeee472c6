/**
 * A registry of named things (scenarios, properties), written once: unique
 * names of a fixed form, registration order kept, lookup by name and by
 * pattern. Registries are the one module state of sim/ on purpose: modules
 * of scenarios/ fill them on import, and the CLI reads them.
 */
export class Registry<T extends { readonly name: string }> {
  private readonly items = new Map<string, T>();

  /** `kind` names the items in errors; a name must match `form` (`hint` says what it expects). */
  constructor(
    private readonly kind: string,
    private readonly form: RegExp,
    private readonly hint = '',
  ) {}

  // Arrow functions, so that a module can export them by destructuring (scenario.ts, property.ts).

  /** Registers an item; throws if the name is taken or malformed. */
  readonly define = <U extends T>(item: U): U => {
    if (this.items.has(item.name)) throw new Error(`a ${this.kind} named ${item.name} is already registered`);
    if (!this.form.test(item.name)) throw new Error(`bad ${this.kind} name "${item.name}"${this.hint ? ` (${this.hint})` : ''}`);
    this.items.set(item.name, item);
    return item;
  };

  /** Every item, in registration order. */
  readonly all = (): T[] => [...this.items.values()];

  readonly find = (name: string): T | undefined => this.items.get(name);

  /** The items whose names match `pattern` (see matchNames). */
  readonly match = (pattern: string): T[] => matchNames(pattern, this.all());
}

/**
 * The items whose `name` matches `pattern`: `*` within one path segment,
 * `**` across segments; without wildcards, the name itself or everything
 * under it (`raft/3A`).
 */
export function matchNames<T extends { readonly name: string }>(pattern: string, items: readonly T[]): T[] {
  if (!/[*?]/.test(pattern)) {
    const exact = items.find((x) => x.name === pattern);
    if (exact) return [exact];
    const prefix = pattern.endsWith('/') ? pattern : pattern + '/';
    return items.filter((x) => x.name.startsWith(prefix));
  }
  const re = new RegExp(
    '^' +
      pattern
        .split('**')
        .map((part) =>
          part
            .split('*')
            .map((p) => p.replace(/[.+^${}()|[\]\\?]/g, '\\$&'))
            .join('[^/]*'),
        )
        .join('.*') +
      '$',
  );
  return items.filter((x) => re.test(x.name));
}
