/**
 * The few DOM types the viewer uses, declared here so that the project's
 * Node-only compiler settings (no "dom" lib) still type-check it.
 */
export interface DomElement {
  textContent: string | null;
  value: string;
  scrollLeft: number;
  readonly style: { cssText: string };
  setAttribute(name: string, value: string): void;
  appendChild<T extends DomElement>(child: T): T;
  replaceChildren(...children: DomElement[]): void;
  addEventListener(type: string, listener: () => void): void;
}

export interface DomDocument {
  getElementById(id: string): DomElement | null;
  createElement(tag: string): DomElement;
  createElementNS(namespace: string, tag: string): DomElement;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function theDocument(): DomDocument {
  return (globalThis as unknown as { document: DomDocument }).document;
}
