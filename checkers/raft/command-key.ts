/**
 * Commands compared by value, cheaply. A command's key is a primitive that
 * is `===` to another command's key exactly when the two encode to the same
 * bytes under sim/codec.ts (simlab's one notion of equal plain data):
 * numbers, booleans and strings are their own keys; null and undefined are
 * null; anything else is a marker character followed by its encoding, one
 * byte per character, cached per object so an entry shared by a leader's and
 * its followers' facts is encoded once.
 */
import { decode, encode } from '../../sim/codec.ts';

export type CommandKey = string | number | boolean | null;

/**
 * Starts every key built from an encoding. An encoding never starts with
 * byte 1 (no codec tag is 1 for the values that take this path), and a
 * string command that starts with it is escaped by doubling it, so the two
 * kinds of keys never meet.
 */
const MARK = '\u0001';

const objectKeys = new WeakMap<object, string>();

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
    case 'object': {
      if (cmd === null) return null;
      let key = objectKeys.get(cmd);
      if (key === undefined) {
        key = encodedKey(cmd);
        objectKeys.set(cmd, key);
      }
      return key;
    }
    default:
      return MARK + '\u0000' + String(cmd);
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
export function describeCommand(cmd: unknown, max = 40): string {
  const text = cmd instanceof Uint8Array ? `<${cmd.length} bytes>` : safeJson(cmd);
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** A command known only by its key, on one short line; "?" when unknown. */
export function describeKey(key: CommandKey | undefined): string {
  if (key === undefined) return '?';
  if (typeof key !== 'string' || key.charCodeAt(0) !== 1) return describeCommand(key);
  if (key.charCodeAt(1) === 1) return describeCommand(key.slice(1));
  if (key.charCodeAt(1) === 0) return describeCommand(key.slice(2));
  const bytes = new Uint8Array(key.length - 1);
  for (let k = 1; k < key.length; k++) bytes[k - 1] = key.charCodeAt(k);
  try {
    return describeCommand(decode(bytes));
  } catch {
    return '<undecodable>';
  }
}
