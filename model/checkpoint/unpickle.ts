/**
 * A restricted unpickler for PyTorch state_dicts (spec §8.4). Python's pickle can name any global
 * and call it; here only an allow-list of globals exists, each mapped to a pure data builder, so
 * loading a file can never run code. Anything else is refused with the global's name and offset.
 *
 * Supported: the opcodes of protocols 2-5 that a state_dict uses (containers, strings, numbers,
 * memo, GLOBAL/STACK_GLOBAL, REDUCE, BUILD, BINPERSID).
 */
import { CheckpointError } from '../errors.js';

/** A callable the pickle may name: it receives REDUCE's argument tuple. */
type GlobalBuilder = (args: unknown[]) => unknown;

/** What GLOBAL pushes: the allowed entry under its dotted name. */
export interface GlobalRef {
  readonly key: string;
  readonly found: GlobalBuilder | { readonly marker: string };
}

export interface UnpickleOptions {
  /** Allowed globals, keyed "module.name". */
  globals: Readonly<Record<string, GlobalBuilder | { readonly marker: string }>>;
  /** Resolves a BINPERSID id (torch: the storage tuple). */
  persistentLoad: (pid: unknown) => unknown;
  /** For messages. */
  name: string;
}

const MARK = Symbol('mark');

export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;

  const error = (message: string) => new CheckpointError(`${options.name}: pickle byte ${pos}: ${message}`);
  const fail = (message: string): never => {
    throw error(message);
  };
  const need = (n: number) => {
    if (n < 0) fail(`negative length ${n}`); // a signed length (BINSTRING) must not move the reader backwards
    if (pos + n > bytes.length) fail(`truncated pickle (needs ${n} more bytes, ${bytes.length - pos} left)`);
  };
  const u8 = () => (need(1), bytes[pos++]!);
  const u16 = () => (need(2), (pos += 2), dv.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), dv.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), dv.getInt32(pos - 4, true));
  const u64 = () => (need(8), (pos += 8), Number(dv.getBigUint64(pos - 8, true)));
  const take = (n: number) => (need(n), (pos += n), bytes.subarray(pos - n, pos));
  const utf8 = (b: Uint8Array) => {
    try {
      return decoder.decode(b);
    } catch {
      return fail(`a string of ${b.length} bytes is not valid UTF-8`);
    }
  };
  const text = (n: number) => utf8(take(n));
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated GLOBAL line');
    const s = utf8(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : fail(`APPEND(S) on a ${v === null ? 'None' : typeof v}, not a list`));
  const pop = () => (stack.length ? stack.pop() : fail('stack underflow'));
  const top = () => (stack.length ? stack[stack.length - 1] : fail('stack underflow'));
  const popMark = (): unknown[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail('MARK expected');
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const resolveGlobal = (module: string, name: string) => {
    const key = `${module}.${name}`;
    const found = options.globals[key];
    if (!found) {
      fail(`refusing global '${key}': only ${Object.keys(options.globals).join(', ')} may appear in a checkpoint (loading must never run code)`);
    }
    return { key, found: found! } satisfies GlobalRef;
  };
  const setItems = (target: unknown, kv: unknown[]) => {
    if (!(target instanceof Map)) fail('SETITEM(S) on a non-dict');
    for (let i = 0; i + 1 < kv.length; i += 2) (target as Map<unknown, unknown>).set(kv[i], kv[i + 1]);
  };
  const tuple = (items: unknown[]) => items; // tuples and lists are both arrays here

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80:
        u8();
        break; // PROTO
      case 0x95:
        u64();
        break; // FRAME (length only)
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT }
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST ]
      case 0x29:
        stack.push(tuple([]));
        break; // EMPTY_TUPLE )
      case 0x28:
        stack.push(MARK);
        break; // MARK (
      case 0x58:
        stack.push(text(u32()));
        break; // BINUNICODE X
      case 0x8c:
        stack.push(text(u8()));
        break; // SHORT_BINUNICODE
      case 0x8d:
        stack.push(text(u64()));
        break; // BINUNICODE8
      case 0x55:
        stack.push(text(u8()));
        break; // SHORT_BINSTRING U
      case 0x54:
        stack.push(text(i32()));
        break; // BINSTRING T
      case 0x43:
        stack.push(take(u8()).slice());
        break; // SHORT_BINBYTES C
      case 0x42:
        stack.push(take(u32()).slice());
        break; // BINBYTES B
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT q
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT r
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
      case 0x6a: {
        // BINGET h, LONG_BINGET j
        const key = op === 0x68 ? u8() : u32();
        if (!memo.has(key)) fail(`memo key ${key} missing`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: {
        // GLOBAL c
        const module = line();
        stack.push(resolveGlobal(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x4a:
        stack.push(i32());
        break; // BININT J
      case 0x4b:
        stack.push(u8());
        break; // BININT1 K
      case 0x4d:
        stack.push(u16());
        break; // BININT2 M
      case 0x8a:
      case 0x8b: {
        // LONG1, LONG4: little-endian two's complement
        const n = op === 0x8a ? u8() : u32();
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(Number(v));
        break;
      }
      case 0x47:
        need(8);
        stack.push(dv.getFloat64(pos, false));
        pos += 8;
        break; // BINFLOAT G (big-endian)
      case 0x4e:
        stack.push(null);
        break; // NONE N
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x74:
        stack.push(tuple(popMark()));
        break; // TUPLE t
      case 0x85:
        stack.push(tuple([pop()]));
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        stack.push(tuple([pop(), b]));
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push(tuple([pop(), b, c]));
        break;
      } // TUPLE3
      case 0x6c:
        stack.push(popMark());
        break; // LIST l
      case 0x64: {
        const m = new Map();
        setItems(m, popMark());
        stack.push(m);
        break;
      } // DICT d
      case 0x61: {
        const v = pop();
        list(top()).push(v);
        break;
      } // APPEND a
      case 0x65: {
        const items = popMark();
        const target = list(top());
        for (const v of items) target.push(v);
        break;
      } // APPENDS e
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      } // SETITEM s
      case 0x75: {
        const kv = popMark();
        setItems(top(), kv);
        break;
      } // SETITEMS u
      case 0x52: {
        // REDUCE R
        const args = pop();
        const callable = pop() as Partial<GlobalRef> | null;
        if (!callable || typeof callable.found !== 'function') throw error(`REDUCE of something that is not an allowed callable (${callable?.key ?? typeof callable})`);
        if (!Array.isArray(args)) throw error('REDUCE arguments must be a tuple');
        try {
          stack.push((callable.found as GlobalBuilder)(args as unknown[]));
        } catch (e) {
          if (e instanceof CheckpointError) throw e;
          fail(`${callable.key}: ${(e as Error).message}`);
        }
        break;
      }
      case 0x62:
        pop();
        break; // BUILD b: object state (OrderedDict's _metadata) is not needed
      case 0x51:
        stack.push(options.persistentLoad(pop()));
        break; // BINPERSID Q
      case 0x2e: // STOP .
        if (stack.length !== 1) fail(`STOP with ${stack.length} items on the stack`);
        return stack[0];
      default:
        pos = at;
        fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} (a state_dict does not need it)`);
    }
  }
}
