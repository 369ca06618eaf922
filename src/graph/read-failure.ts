// Why reading an envelope failed, and how each reader words it. The reference reads a workflow
// in two steps, and scripts match on both wordings:
// - the envelope text itself (JSON syntax, the root's own fields and node type):
//   df.start says `Invalid durable function: …`, a builder `Invalid Durofut JSON: failed to
//   deserialize workflow step: …`;
// - then the graph, node by node, naming where in the reference's path syntax (`root`,
//   `root.left`, `root.right.condition_node`, `root.extra_nodes[2]`):
//   `Invalid durable function graph: <where>: <message>`, which df.explain returns as its
//   answer instead of raising.

/** Who reads: df.start and df.explain bound the graph's depth, the builders do not. */
export type ReadContext = 'builder' | 'start' | 'explain';

/**
 * - syntax: the text is not a JSON value we read (malformed, or nested deeper than any workflow);
 * - shape: a field of a node has the wrong JSON type (what the reference fails to deserialize);
 * - type: a node's node_type is unknown;
 * - graph: anything else about a node, or about the graph (its depth, its size).
 */
export type FailureKind = 'syntax' | 'shape' | 'type' | 'graph';

export const ROOT = 'root';

export class ReadFailure {
  constructor(
    readonly kind: FailureKind,
    /** The node it is about. */
    readonly path: string,
    readonly message: string,
    /** For a shape failure: the node's type, when it is a known one. */
    readonly nodeType: string | null = null,
  ) {}

  /**
   * `Invalid durable function graph: <where>: <message>`, or null when the failure is about the
   * envelope text itself. The reference's df.explain reads any node_type at first, so there
   * an unknown type at the root is a graph failure too.
   */
  graphText(context: ReadContext): string | null {
    if (this.kind === 'syntax' || (this.path === ROOT && this.kind === 'shape')) return null;
    if (this.path === ROOT && this.kind === 'type' && context !== 'explain') return null;
    const message = this.kind === 'shape' ? `failed to deserialize Durofut child: ${this.message}` : this.message;
    return `Invalid durable function graph: ${this.path}: ${message}`;
  }

  /** What is wrong with the envelope text itself. */
  envelopeText(): string {
    if (this.kind === 'type') return this.message;
    if (this.nodeType !== null) return `Malformed Durofut JSON with node_type '${this.nodeType}': ${this.message}`;
    return `Malformed Durofut JSON: ${this.message}`;
  }

  /** The whole message as `context` reports it. */
  text(context: ReadContext): string {
    const graph = this.graphText(context);
    if (graph !== null) return graph;
    switch (context) {
      case 'start':
        return `Invalid durable function: ${this.envelopeText()}`;
      case 'builder':
        return `Invalid Durofut JSON: failed to deserialize workflow step: ${this.envelopeText()}`;
      default:
        return this.envelopeText();
    }
  }
}
