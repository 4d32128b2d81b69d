// Types of the `trine` npm package. Terms follow RDF/JS (@rdfjs/types); any RDF/JS term is
// accepted as input, and outputs are this package's own term classes.
import type * as RDF from "@rdfjs/types";

export class NamedNode implements RDF.NamedNode {
  readonly termType: "NamedNode";
  readonly value: string;
  constructor(value: string);
  equals(other: RDF.Term | null | undefined): boolean;
}
export class BlankNode implements RDF.BlankNode {
  readonly termType: "BlankNode";
  readonly value: string;
  constructor(value: string);
  equals(other: RDF.Term | null | undefined): boolean;
}
export class Literal implements RDF.Literal {
  readonly termType: "Literal";
  readonly value: string;
  readonly language: string;
  readonly datatype: NamedNode;
  constructor(value: string, language: string, datatype: NamedNode);
  equals(other: RDF.Term | null | undefined): boolean;
}
export class DefaultGraph implements RDF.DefaultGraph {
  readonly termType: "DefaultGraph";
  readonly value: "";
  equals(other: RDF.Term | null | undefined): boolean;
}
export class Variable implements RDF.Variable {
  readonly termType: "Variable";
  readonly value: string;
  constructor(value: string);
  equals(other: RDF.Term | null | undefined): boolean;
}
export class Quad implements RDF.BaseQuad {
  readonly termType: "Quad";
  readonly value: "";
  readonly subject: NamedNode | BlankNode;
  readonly predicate: NamedNode;
  readonly object: NamedNode | BlankNode | Literal;
  readonly graph: NamedNode | BlankNode | DefaultGraph;
  constructor(subject: RDF.Term, predicate: RDF.Term, object: RDF.Term, graph: RDF.Term);
  equals(other: RDF.BaseQuad | null | undefined): boolean;
}

export function namedNode(value: string): NamedNode;
export function blankNode(value?: string): BlankNode;
export function literal(value: string, languageOrDatatype?: string | RDF.NamedNode): Literal;
export function defaultGraph(): DefaultGraph;
export function variable(value: string): Variable;
export function quad(subject: RDF.Quad_Subject, predicate: RDF.Quad_Predicate, object: RDF.Quad_Object, graph?: RDF.Quad_Graph): Quad;
export function triple(subject: RDF.Quad_Subject, predicate: RDF.Quad_Predicate, object: RDF.Quad_Object): Quad;
export function fromTerm<T extends RDF.Term>(term: T): RDF.Term;
export function fromQuad(quad: RDF.BaseQuad): Quad;
export const DataFactory: RDF.DataFactory<Quad> & { fromTerm: typeof fromTerm; fromQuad: typeof fromQuad };

/** Errors thrown by Trine carry a stable code (`sparql_syntax`, `rdf_syntax`, `invalid_term`, …). */
export interface TrineError extends Error {
  code: string;
}

export type Term = NamedNode | BlankNode | Literal | DefaultGraph;
export type Bindings = Map<string, Term>;
export type QueryResult = Bindings[] | boolean | Quad[] | string;

export interface QueryOptions {
  baseIri?: string;
  /** Values for variables: a Map or an object from variable names (without `?`) to terms. */
  bindings?: Map<string, RDF.Term> | Record<string, RDF.Term>;
  /** Leave out what the reasoner inferred. */
  explicitOnly?: boolean;
  /** `json`, `xml`, `csv`, `tsv` (SELECT, ASK) or an RDF syntax (CONSTRUCT, DESCRIBE): results as a string. */
  resultsFormat?: string;
}

export interface MaterializeReport {
  profile: "none" | "rdfs" | "owl2rl";
  rounds: number;
  inferred: number;
  added: number;
  removed: number;
  fullRecompute: boolean;
  inconsistencies: number;
}

export class PreparedQuery {
  readonly form: "select" | "ask" | "construct" | "describe";
  query(options?: QueryOptions): QueryResult;
}

export class Store implements RDF.Source<Quad>, RDF.Sink<RDF.Stream<RDF.BaseQuad>, NodeJS.EventEmitter | any> {
  constructor(quads?: Iterable<RDF.BaseQuad>);
  /**
   * `memory:` (or nothing): a store in memory. `opfs:<name>`: a durable store in the browser's
   * Origin Private File System; a `Store` inside a dedicated worker, a `RemoteStore` on a page.
   */
  static open(location?: string): Promise<Store | RemoteStore>;
  add(quad: RDF.BaseQuad): boolean;
  addAll(quads: Iterable<RDF.BaseQuad>): number;
  delete(quad: RDF.BaseQuad): boolean;
  has(quad: RDF.BaseQuad): boolean;
  getQuads(subject?: RDF.Term | null, predicate?: RDF.Term | null, object?: RDF.Term | null, graph?: RDF.Term | null): Quad[];
  match(subject?: RDF.Term | null, predicate?: RDF.Term | null, object?: RDF.Term | null, graph?: RDF.Term | null): RDF.Stream<Quad> & AsyncIterable<Quad>;
  quads(subject?: RDF.Term | null, predicate?: RDF.Term | null, object?: RDF.Term | null, graph?: RDF.Term | null): AsyncIterableIterator<Quad>;
  readonly size: number;
  query(query: string, options?: QueryOptions): QueryResult;
  queryIterator(query: string, options?: QueryOptions): AsyncIterableIterator<Bindings | Quad | boolean | string>;
  prepare(query: string, options?: { baseIri?: string }): PreparedQuery;
  update(update: string, options?: { baseIri?: string }): { inserted: number; deleted: number };
  load(data: string | Uint8Array | ArrayBuffer, options?: { format?: string; baseIri?: string; graph?: RDF.Quad_Graph }): number;
  dump(options?: { format?: string; graph?: RDF.Quad_Graph; explicitOnly?: boolean }): string;
  import(stream: RDF.Stream<RDF.BaseQuad>): any;
  setReasoning(profile: "none" | "rdfs" | "owl2rl", options?: { rules?: string }): MaterializeReport;
  materialize(profile?: "none" | "rdfs" | "owl2rl"): MaterializeReport;
  readonly reasoning: "none" | "rdfs" | "owl2rl";
  inconsistencies(): { rule: string; quads: Quad[] }[];
  free(): void;
  /** Flushes and releases an OPFS store's file. */
  close(): void;
}

/** A durable (OPFS) store in a worker, seen from a page: `Store`'s methods, as promises. */
export class RemoteStore {
  add(quad: RDF.BaseQuad): Promise<boolean>;
  addAll(quads: Iterable<RDF.BaseQuad>): Promise<number>;
  delete(quad: RDF.BaseQuad): Promise<boolean>;
  has(quad: RDF.BaseQuad): Promise<boolean>;
  getQuads(subject?: RDF.Term | null, predicate?: RDF.Term | null, object?: RDF.Term | null, graph?: RDF.Term | null): Promise<Quad[]>;
  size(): Promise<number>;
  query(query: string, options?: QueryOptions): Promise<QueryResult>;
  update(update: string, options?: { baseIri?: string }): Promise<{ inserted: number; deleted: number }>;
  load(data: string | Uint8Array | ArrayBuffer, options?: { format?: string; baseIri?: string; graph?: RDF.Quad_Graph }): Promise<number>;
  dump(options?: { format?: string; graph?: RDF.Quad_Graph; explicitOnly?: boolean }): Promise<string>;
  setReasoning(profile: "none" | "rdfs" | "owl2rl", options?: { rules?: string }): Promise<MaterializeReport>;
  materialize(profile?: "none" | "rdfs" | "owl2rl"): Promise<MaterializeReport>;
  inconsistencies(): Promise<{ rule: string; quads: Quad[] }[]>;
  /** Flushes and closes the store, then ends its worker. */
  close(): Promise<void>;
}

/** Answers one message of the page that started this worker (what `worker.js` runs). */
export function serveMessage(scope: any, message: { id: number; method: string; args: unknown[] }): Promise<void>;

export default Store;
