/**
 * Commands compared by value, cheaply. A command's key is a primitive that
 * is `===` to another command's key exactly when the two are the same plain
 * data as sim/codec.ts sees it (numbers by value with NaN = NaN and −0 = 0,
 * null = undefined, arrays item by item, plain objects field by field in
 * insertion order with undefined fields left out, Uint8Arrays byte by byte),
 * except that strings compare by their exact code units:
 * - numbers, booleans and strings are their own keys; null and undefined are null;
 * - other values are a marker character followed by their JSON text when
 *   JSON renders them exactly (finite numbers, plain arrays and objects
 *   only: the common command), else by their sim/codec encoding, one byte
 *   per character. JSON text starts with "{" or "[" and no encoding does,
 *   so the two never meet; codec-equal values always take the same path.
 * A CommandKeys (one per checker) caches the keys of objects, so an entry
 * shared by a leader's and its followers' facts and applies is keyed once;
 * `commandKey` alone caches nothing.
 */
import { decode, encode } from '../../sim/codec.ts';

export type CommandKey = string | number | boolean | null;

/**
 * Starts every key built from JSON or an encoding. Neither starts with
 * character 1, and a string command that starts with it is escaped by
 * doubling it, so string commands never meet those keys.
 */
const MARK = '\u0001';

/** Command keys with a cache of object keys, owned by whoever keys many commands (a checker). */
export class CommandKeys {
  private readonly objectKeys = new WeakMap<object, string>();

  /** The key of a command, as commandKey gives it. */
  of(cmd: unknown): CommandKey {
    if (typeof cmd !== 'object' || cmd === null) return commandKey(cmd);
    let key = this.objectKeys.get(cmd);
    if (key === undefined) {
      key = objectKey(cmd);
      this.objectKeys.set(cmd, key);
    }
    return key;
  }
}

/** The key of a command (see the file header). */
export function commandKey(cmd: unknown): CommandKey {
  switch (typeof cmd) {
    case 'number':
      return cmd === cmd ? cmd : encodedKey(cmd); // NaN ≠ NaN, but its encodings are equal
    case 'string':
      return cmd.charCodeAt(0) === 1 ? MARK + cmd : cmd;
    case 'boolean':
      return cmd;
    case 'undefined':
      return null;
    case 'object':
      return cmd === null ? null : objectKey(cmd);
    default:
      return MARK + '\u0000' + String(cmd);
  }
}

function objectKey(cmd: object): string {
  return isJsonExact(cmd) ? MARK + JSON.stringify(cmd) : encodedKey(cmd);
}

/** Whether JSON renders `v` without losing what the codec would keep (no NaN or ±Infinity, no byte arrays or class instances). */
function isJsonExact(v: unknown): boolean {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v);
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isJsonExact(v[i])) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      const record = v as Record<string, unknown>;
      for (const k in record) if (!isJsonExact(record[k])) return false;
      return true;
    }
    default:
      return false;
  }
}

function encodedKey(value: unknown): string {
  let bytes: Uint8Array;
  try {
    bytes = encode(value);
  } catch {
    // Not plain data (the codec refuses it): fall back to JSON, still by value.
    return MARK + '\u0000' + safeJson(value);
  }
  let text = MARK;
  const chunk = 4096;
  for (let at = 0; at < bytes.length; at += chunk) {
    text += String.fromCharCode.apply(null, bytes.subarray(at, at + chunk) as unknown as number[]);
  }
  return text;
}

/** JSON with byte arrays summarised; never throws. */
function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v));
    return text === undefined ? String(value) : text;
  } catch {
    return String(value);
  }
}

/** A command on one short line, for violation messages. */
export function describeCommand(cmd: unknown): string {
  return describeText(cmd instanceof Uint8Array ? `<${cmd.length} bytes>` : safeJson(cmd));
}

function describeText(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** A command known only by its key, on one short line; "?" when unknown. */
export function describeKey(key: CommandKey | undefined): string {
  if (key === undefined) return '?';
  if (typeof key !== 'string' || key.charCodeAt(0) !== 1) return describeCommand(key);
  if (key.charCodeAt(1) === 1) return describeCommand(key.slice(1));
  if (key.charCodeAt(1) === 0) return describeCommand(key.slice(2));
  if (key[1] === '{' || key[1] === '[') return describeText(key.slice(1));
  const bytes = new Uint8Array(key.length - 1);
  for (let k = 1; k < key.length; k++) bytes[k - 1] = key.charCodeAt(k);
  try {
    return describeCommand(decode(bytes));
  } catch {
    return '<undecodable>';
  }
}
