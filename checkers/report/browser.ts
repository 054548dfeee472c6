/**
 * The browser API the run viewer uses, declared here because the project
 * compiles for Node (no "dom" lib): a small, honest subset of the DOM,
 * canvas and window, reached only through `browser()`.
 */
export interface UiEvent {
  readonly clientX: number;
  readonly clientY: number;
  readonly deltaY: number;
  readonly key: string;
  readonly buttons: number;
  readonly ctrlKey: boolean;
  readonly target: unknown;
  preventDefault(): void;
}

export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface UiElement {
  textContent: string | null;
  value: string;
  checked: boolean;
  className: string;
  title: string;
  width: number;
  height: number;
  readonly clientWidth: number;
  readonly style: { cssText: string };
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  appendChild<T extends UiElement>(child: T): T;
  replaceChildren(...children: UiElement[]): void;
  addEventListener(type: string, listener: (e: UiEvent) => void, options?: { passive: boolean }): void;
  getBoundingClientRect(): Rect;
  getContext(kind: '2d'): Canvas2D;
  scrollIntoView(options?: { block: string }): void;
}

export interface Canvas2D {
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
  font: string;
  textAlign: string;
  textBaseline: string;
  globalAlpha: number;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arc(x: number, y: number, r: number, a0: number, a1: number): void;
  closePath(): void;
  stroke(): void;
  fill(): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { readonly width: number };
  setLineDash(segments: number[]): void;
  save(): void;
  restore(): void;
  rect(x: number, y: number, w: number, h: number): void;
  clip(): void;
}

export interface UiDocument {
  getElementById(id: string): UiElement | null;
  createElement(tag: string): UiElement;
  addEventListener(type: string, listener: (e: UiEvent) => void): void;
}

export interface UiWindow {
  readonly document: UiDocument;
  readonly location: { hash: string };
  readonly history: { replaceState(state: null, title: string, url: string): void };
  readonly devicePixelRatio: number;
  requestAnimationFrame(fn: () => void): number;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
  addEventListener(type: string, listener: () => void): void;
}

export function browser(): UiWindow {
  return globalThis as unknown as UiWindow;
}
