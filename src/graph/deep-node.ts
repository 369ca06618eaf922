// Where a graph goes too deep, found without parsing it: JSON nested deeper than any valid
// envelope is never handed to JSON.parse (see validate.ts), yet df.start and df.explain still
// name the first node past the depth limit, as they do for a graph they could parse. One
// iterative pass over the text; memory grows with the nesting of nodes only up to the limit.

// How a node names the child it holds, in the reference's path syntax (`root.left`).
const CHILD_SEGMENTS: Readonly<Record<string, string>> = {
  left_node: 'left',
  right_node: 'right',
  condition_node: 'condition_node',
};

/** An open node object, or an open extra_nodes array of a node. */
interface Level {
  kind: 'node' | 'extras';
  /** The node's depth (for extras: their parent's). */
  depth: number;
  path: string;
  /** node: the key whose value comes next; extras: the index of the entry being read. */
  key: string | null;
  index: number;
}

/**
 * The path (`root.left.extra_nodes[2]…`) of the first node, in document order, more than
 * `maxDepth` levels below the root, or null if there is none. A node is the root object, an
 * object under left_node, right_node or condition_node of a node, or an object in a node's
 * extra_nodes array; anything else is skipped over. Malformed text gives null or a path.
 */
export function findNodeBelow(text: string, maxDepth: number): string | null {
  const levels: Level[] = [];
  let skipped = 0; // containers open inside the innermost level that hold no nodes
  let expectKey = false; // the innermost node awaits a key
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = levels[levels.length - 1];
      if (skipped === 0 && expectKey && top?.kind === 'node') {
        top.key = text.slice(i + 1, end);
        expectKey = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const opened = skipped === 0 ? open(levels[levels.length - 1], c === OPEN_OBJECT, levels.length === 0) : null;
      if (opened === null) {
        skipped += 1;
      } else {
        levels.push(opened);
        if (opened.kind === 'node' && opened.depth > maxDepth) return opened.path;
        expectKey = opened.kind === 'node';
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (skipped > 0) skipped -= 1;
      else levels.pop();
      expectKey = false;
    } else if (c === COMMA && skipped === 0) {
      const top = levels[levels.length - 1];
      if (top?.kind === 'node') {
        top.key = null;
        expectKey = true;
      } else if (top?.kind === 'extras') {
        top.index += 1;
      }
    }
  }
  return null;
}

/** The level a `{` (object) or `[` opens below `top`, or null when it holds no nodes. */
function open(top: Level | undefined, object: boolean, atRoot: boolean): Level | null {
  if (atRoot) return object ? { kind: 'node', depth: 0, path: 'root', key: null, index: 0 } : null;
  if (top === undefined) return null;
  if (top.kind === 'extras') {
    if (!object) return null;
    return { kind: 'node', depth: top.depth + 1, path: `${top.path}.extra_nodes[${top.index}]`, key: null, index: 0 };
  }
  const segment = top.key === null ? undefined : CHILD_SEGMENTS[top.key];
  if (object && segment !== undefined) {
    return { kind: 'node', depth: top.depth + 1, path: `${top.path}.${segment}`, key: null, index: 0 };
  }
  if (!object && top.key === 'extra_nodes') return { kind: 'extras', depth: top.depth, path: top.path, key: null, index: 0 };
  return null;
}

/** The index of the quote that closes the string opening at `start` (or the text's end). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 1;
    else if (c === QUOTE) return i;
  }
  return text.length;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
