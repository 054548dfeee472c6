/**
 * Sometimes coverage over a set of runs (Antithesis' and Stateright's
 * "sometimes"): for each scenario or property, every label its runs
 * declared and how many runs reached it. A label reached by no run at all
 * is what fails a sweep or a property run; a single run only notes it.
 */
export interface LabelCount {
  readonly label: string;
  /** Runs that reached it. */
  readonly reached: number;
  /** Runs that declared it. */
  readonly declared: number;
}

export class Coverage {
  private readonly targets = new Map<string, Map<string, { reached: number; declared: number }>>();

  /** Counts one run of `name` with the labels it declared (label → reached). */
  add(name: string, sometimes: Readonly<Record<string, boolean>>): void {
    let labels = this.targets.get(name);
    if (!labels) this.targets.set(name, (labels = new Map()));
    for (const [label, reached] of Object.entries(sometimes)) {
      const c = labels.get(label) ?? { reached: 0, declared: 0 };
      c.declared++;
      if (reached) c.reached++;
      labels.set(label, c);
    }
  }

  /** The labels of `name`, in the order they were first declared. */
  labels(name: string): LabelCount[] {
    return [...(this.targets.get(name) ?? [])].map(([label, c]) => ({ label, ...c }));
  }

  /** Every (target, label) no run reached. */
  neverReached(): { name: string; label: string }[] {
    const out: { name: string; label: string }[] = [];
    for (const name of this.targets.keys()) for (const l of this.labels(name)) if (l.reached === 0) out.push({ name, label: l.label });
    return out;
  }

  /** Lines for people: per target, each label with reached/declared runs; never-reached labels marked. */
  format(names: readonly string[]): string[] {
    const lines: string[] = [];
    for (const name of names) {
      const labels = this.labels(name);
      if (labels.length === 0) continue;
      lines.push(`  ${name}`);
      for (const l of labels) lines.push(`    ${l.reached === 0 ? 'NEVER' : '     '} ${String(l.reached).padStart(6)}/${l.declared}  ${l.label}`);
    }
    return lines;
  }
}
