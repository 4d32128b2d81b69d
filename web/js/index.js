// Trine for JavaScript: an RDF quad store with SPARQL 1.1 and OWL 2 RL reasoning, compiled to
// WebAssembly. One ES module for Node and browsers; terms follow RDF/JS (@rdfjs/types), and terms
// from other factories (N3.js, …) are accepted anywhere a term is.
import init, { initSync, WasmStore } from "./trine_web.js";

const isNode = typeof process === "object" && process.versions != null && process.versions.node != null;
let NodeReadable = null;
if (isNode) {
  const { readFileSync } = await import("node:fs");
  initSync({ module: readFileSync(new URL("./trine_web_bg.wasm", import.meta.url)) });
  ({ Readable: NodeReadable } = await import("node:stream"));
} else {
  await init({ module_or_path: new URL("./trine_web_bg.wasm", import.meta.url) });
}

const textEncoder = new TextEncoder();
/** UTF-8 bytes for the module: `TextEncoder` is native, far faster than the glue's per-character copy of a string. */
function utf8(data) {
  if (typeof data === "string") return textEncoder.encode(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return textEncoder.encode(String(data));
}

const inDedicatedWorker = typeof DedicatedWorkerGlobalScope !== "undefined" && globalThis instanceof DedicatedWorkerGlobalScope;
const OPFS_NAME = /^[A-Za-z0-9._-]{1,128}$/;
/** A `WasmStore` for the next `new Store()` to take instead of making one (see `Store.open`). */
let adopting = null;

const XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";
const RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

// ---------------------------------------------------------------- RDF/JS terms (DataFactory)

export class NamedNode {
  constructor(value) {
    this.termType = "NamedNode";
    this.value = value;
  }
  equals(other) {
    return other != null && other.termType === this.termType && other.value === this.value;
  }
}

export class BlankNode {
  constructor(value) {
    this.termType = "BlankNode";
    this.value = value;
  }
  equals(other) {
    return other != null && other.termType === this.termType && other.value === this.value;
  }
}

export class Literal {
  constructor(value, language, datatype) {
    this.termType = "Literal";
    this.value = value;
    this.language = language;
    this.datatype = datatype;
  }
  equals(other) {
    return (
      other != null &&
      other.termType === this.termType &&
      other.value === this.value &&
      other.language === this.language &&
      this.datatype.equals(other.datatype)
    );
  }
}

export class DefaultGraph {
  constructor() {
    this.termType = "DefaultGraph";
    this.value = "";
  }
  equals(other) {
    return other != null && other.termType === this.termType;
  }
}

export class Variable {
  constructor(value) {
    this.termType = "Variable";
    this.value = value;
  }
  equals(other) {
    return other != null && other.termType === this.termType && other.value === this.value;
  }
}

export class Quad {
  constructor(subject, predicate, object, graph) {
    this.termType = "Quad";
    this.value = "";
    this.subject = subject;
    this.predicate = predicate;
    this.object = object;
    this.graph = graph;
  }
  equals(other) {
    return (
      other != null &&
      (other.termType === "Quad" || other.termType === undefined) &&
      this.subject.equals(other.subject) &&
      this.predicate.equals(other.predicate) &&
      this.object.equals(other.object) &&
      this.graph.equals(other.graph)
    );
  }
}

const DEFAULT_GRAPH = new DefaultGraph();
let blankCounter = 0;

export function namedNode(value) {
  return new NamedNode(value);
}
export function blankNode(value) {
  return new BlankNode(value ?? `b${++blankCounter}`);
}
export function literal(value, languageOrDatatype) {
  if (typeof languageOrDatatype === "string") {
    return new Literal(value, languageOrDatatype.toLowerCase(), new NamedNode(RDF_LANG_STRING));
  }
  const datatype = languageOrDatatype ? new NamedNode(languageOrDatatype.value) : new NamedNode(XSD_STRING);
  return new Literal(value, "", datatype);
}
export function defaultGraph() {
  return DEFAULT_GRAPH;
}
export function variable(value) {
  return new Variable(value);
}
export function quad(subject, predicate, object, graph) {
  return new Quad(subject, predicate, object, graph ?? DEFAULT_GRAPH);
}
export const triple = quad;

/** The RDF/JS DataFactory of this package. */
export const DataFactory = { namedNode, blankNode, literal, defaultGraph, variable, quad, triple, fromTerm, fromQuad };

/** A copy of any RDF/JS term as a term of this factory. */
export function fromTerm(term) {
  return term == null ? term : decodeTerm(...encodeTerm(term, "term"));
}
/** A copy of any RDF/JS quad as a quad of this factory. */
export function fromQuad(q) {
  return quad(fromTerm(q.subject), fromTerm(q.predicate), fromTerm(q.object), fromTerm(q.graph ?? DEFAULT_GRAPH));
}

// ---------------------------------------------------------------- the wire form (see web/src/lib.rs)

function trineError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

function encodeTerm(term, role) {
  if (term == null || term.termType === "Variable") return ["", "", ""];
  switch (term.termType) {
    case "NamedNode":
      return ["N", term.value, ""];
    case "BlankNode":
      return ["B", term.value, ""];
    case "Literal":
      if (term.language) return ["G", term.value, term.language];
      return ["L", term.value, term.datatype ? term.datatype.value : XSD_STRING];
    case "DefaultGraph":
      return ["D", "", ""];
    default:
      throw trineError("invalid_term", `not an RDF/JS term as ${role}: ${JSON.stringify(term)}`);
  }
}

function decodeTerm(kind, value, extra) {
  switch (kind) {
    case "N":
      return new NamedNode(value);
    case "B":
      return new BlankNode(value);
    case "L":
      return new Literal(value, "", new NamedNode(extra));
    case "G":
      return new Literal(value, extra, new NamedNode(RDF_LANG_STRING));
    case "D":
      return DEFAULT_GRAPH;
    default:
      return undefined;
  }
}

function encodeQuad(q, out = []) {
  if (q == null || q.subject == null) throw trineError("invalid_term", "not an RDF/JS quad");
  out.push(...encodeTerm(q.subject, "subject"), ...encodeTerm(q.predicate, "predicate"), ...encodeTerm(q.object, "object"));
  out.push(...encodeTerm(q.graph ?? DEFAULT_GRAPH, "graph"));
  return out;
}

function decodeQuads(flat) {
  const quads = new Array(flat.length / 12);
  for (let i = 0, q = 0; i < flat.length; i += 12, q++) {
    quads[q] = new Quad(
      decodeTerm(flat[i], flat[i + 1], flat[i + 2]),
      decodeTerm(flat[i + 3], flat[i + 4], flat[i + 5]),
      decodeTerm(flat[i + 6], flat[i + 7], flat[i + 8]),
      decodeTerm(flat[i + 9], flat[i + 10], flat[i + 11]),
    );
  }
  return quads;
}

function encodeGraph(graph) {
  return graph == null ? [] : encodeTerm(graph, "graph");
}

function encodeBindings(bindings) {
  const out = [];
  if (bindings == null) return out;
  const entries = bindings instanceof Map ? bindings.entries() : Object.entries(bindings);
  for (const [name, term] of entries) {
    const key = typeof name === "string" ? name : name.value;
    out.push(key, ...encodeTerm(term, `the value of ?${key}`));
  }
  return out;
}

/** The strings the module packs as one text and each one's length (see `strings` in store.rs). */
function unpack({ text, lengths }) {
  const out = new Array(lengths.length);
  for (let i = 0, at = 0; i < lengths.length; i++) {
    const end = at + lengths[i];
    out[i] = text.slice(at, end);
    at = end;
  }
  return out;
}

function decodeResults(raw) {
  switch (raw.kind) {
    case "ask":
      return raw.boolean;
    case "graph":
      return decodeQuads(unpack(raw.terms));
    case "select": {
      const variables = unpack(raw.variables);
      const terms = unpack(raw.terms);
      const width = variables.length * 3;
      const rows = [];
      for (let i = 0; i < terms.length; i += width) {
        const row = new Map();
        for (let v = 0; v < variables.length; v++) {
          const at = i + v * 3;
          if (terms[at] !== "") row.set(variables[v], decodeTerm(terms[at], terms[at + 1], terms[at + 2]));
        }
        rows.push(row);
      }
      return rows;
    }
    default:
      return raw;
  }
}

// ---------------------------------------------------------------- streams

/**
 * An RDF/JS Stream over items already computed: `on("data" | "end" | "error")`, `read()`, and
 * async iteration. In Node it is a real `stream.Readable`.
 */
function itemStream(items) {
  if (NodeReadable) return NodeReadable.from(items, { objectMode: true });
  return new ArrayStream(items);
}

/** The part of Node's EventEmitter RDF/JS streams use. */
class Emitter {
  #listeners = {};
  on(event, listener) {
    (this.#listeners[event] ??= []).push(listener);
    return this;
  }
  once(event, listener) {
    const wrapped = (...args) => {
      this.removeListener(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }
  removeListener(event, listener) {
    const list = this.#listeners[event];
    if (list) this.#listeners[event] = list.filter((l) => l !== listener);
    return this;
  }
  off(event, listener) {
    return this.removeListener(event, listener);
  }
  emit(event, ...args) {
    const list = this.#listeners[event];
    if (!list || list.length === 0) return false;
    for (const listener of [...list]) listener(...args);
    return true;
  }
  listenerCount(event) {
    return this.#listeners[event]?.length ?? 0;
  }
}

class ArrayStream extends Emitter {
  #items;
  #next = 0;
  #flowing = false;
  #ended = false;
  constructor(items) {
    super();
    this.#items = items;
    this.readable = true;
    queueMicrotask(() => this.emit("readable"));
  }
  on(event, listener) {
    super.on(event, listener);
    if (event === "data" && !this.#flowing) {
      this.#flowing = true;
      queueMicrotask(() => this.#flow());
    }
    return this;
  }
  read() {
    if (this.#next < this.#items.length) return this.#items[this.#next++];
    this.#finish();
    return null;
  }
  #flow() {
    while (this.#next < this.#items.length) this.emit("data", this.#items[this.#next++]);
    this.#finish();
  }
  #finish() {
    if (this.#ended) return;
    this.#ended = true;
    this.readable = false;
    queueMicrotask(() => this.emit("end"));
  }
  async *[Symbol.asyncIterator]() {
    while (this.#next < this.#items.length) yield this.#items[this.#next++];
    this.#finish();
  }
}

// ---------------------------------------------------------------- the store

function wrap(call) {
  try {
    return call();
  } catch (error) {
    if (error instanceof Error) throw error;
    throw trineError("internal", String(error));
  }
}

/**
 * An RDF quad store. `new Store()` is in memory; `await Store.open("memory:")` is the same,
 * promise-based.
 *
 * It implements the RDF/JS `Source` (`match` returns a Stream) and `Sink` (`import`) interfaces,
 * so query engines such as Comunica can read it.
 */
export class Store {
  #inner;

  /** A store in memory, holding `quads` (RDF/JS quads from any factory) if given. */
  constructor(quads) {
    this.#inner = adopting ?? wrap(() => new WasmStore());
    adopting = null;
    if (quads != null) this.addAll(quads);
  }

  /**
   * Opens a store: `memory:` (or nothing) for one in memory; `opfs:<name>` for a durable one in
   * the browser's Origin Private File System. OPFS files are written through a synchronous
   * handle that only dedicated workers have: inside a worker this resolves to a `Store`; on a
   * page it starts a worker (`worker.js`) and resolves to a `RemoteStore`, the same methods
   * returning promises. One store per name at a time (`store_locked` otherwise); `close()` it.
   */
  static async open(location) {
    if (location == null || location === "" || location === "memory:" || location === "memory") return new Store();
    const name = typeof location === "string" && location.startsWith("opfs:") ? location.slice(5) : null;
    if (name == null) {
      throw trineError("invalid_location", `cannot open ${JSON.stringify(location)}: "memory:" or "opfs:<name>"`);
    }
    if (!OPFS_NAME.test(name)) {
      throw trineError("invalid_location", `OPFS store names are 1-128 letters, digits, ".", "_" or "-": ${JSON.stringify(name)}`);
    }
    if (isNode || typeof navigator === "undefined" || navigator.storage == null || navigator.storage.getDirectory == null) {
      throw trineError("unsupported_location", `cannot open ${JSON.stringify(location)}: no Origin Private File System here (browsers only)`);
    }
    if (!inDedicatedWorker) return RemoteStore.open(name);
    const root = await navigator.storage.getDirectory();
    const handles = [];
    try {
      // The journal's two files (one live, one for compactions).
      for (const part of ["0", "1"]) {
        const file = await root.getFileHandle(`${name}.trine-${part}`, { create: true });
        try {
          handles.push(await file.createSyncAccessHandle());
        } catch (error) {
          throw trineError("store_locked", `opfs:${name} is open elsewhere (another tab or worker): ${error.message}`);
        }
      }
    } catch (error) {
      for (const handle of handles) handle.close();
      throw error;
    }
    // From here the store owns the handles (and closes them if opening fails).
    const inner = wrap(() => WasmStore.openOpfs(handles[0], handles[1]));
    adopting = inner;
    return new Store();
  }

  /** Adds a quad; returns whether it was new. */
  add(q) {
    return wrap(() => this.#inner.add(encodeQuad(q)));
  }

  /** Adds quads (any iterable) in one transaction; returns how many were new. */
  addAll(quads) {
    const flat = [];
    for (const q of quads) encodeQuad(q, flat);
    return wrap(() => this.#inner.addAll(flat));
  }

  /** Removes a quad; returns whether it was there. */
  delete(q) {
    return wrap(() => this.#inner.delete(encodeQuad(q)));
  }

  /** Whether the store holds a quad. */
  has(q) {
    return wrap(() => this.#inner.has(encodeQuad(q)));
  }

  /** The quads matching a pattern (`null`, `undefined` or a variable matches anything), as an array. */
  getQuads(subject, predicate, object, graph) {
    const pattern = [
      ...encodeTerm(subject, "subject"),
      ...encodeTerm(predicate, "predicate"),
      ...encodeTerm(object, "object"),
      ...encodeTerm(graph, "graph"),
    ];
    return decodeQuads(unpack(wrap(() => this.#inner.match(pattern))));
  }

  /** RDF/JS `Source.match`: the matching quads as a Stream (also async-iterable). */
  match(subject, predicate, object, graph) {
    return itemStream(this.getQuads(subject, predicate, object, graph));
  }

  /** The matching quads as an async iterator. */
  async *quads(subject, predicate, object, graph) {
    yield* this.getQuads(subject, predicate, object, graph);
  }

  /** Number of quads. */
  get size() {
    return wrap(() => this.#inner.size());
  }

  /**
   * Runs a SPARQL query. SELECT gives an array of `Map`s from variable names to terms, ASK a
   * boolean, CONSTRUCT and DESCRIBE an array of quads. Options: `baseIri`, `bindings` (values for
   * variables, a `Map` or an object), `explicitOnly` (leave out what the reasoner inferred),
   * `resultsFormat` (`json`, `xml`, `csv`, `tsv` for SELECT and ASK, an RDF syntax for the others:
   * the results serialized as a string).
   */
  query(text, options = {}) {
    return this.prepare(text, options).query(options);
  }

  /** Runs a SELECT or CONSTRUCT query and iterates its results asynchronously. */
  async *queryIterator(text, options = {}) {
    const results = this.query(text, options);
    if (typeof results === "boolean" || typeof results === "string") {
      yield results;
      return;
    }
    yield* results;
  }

  /** A query parsed once, to run many times with different bindings. */
  prepare(text, options = {}) {
    // Through the store's cache of parsed queries: a text seen before skips the parser.
    const prepared = wrap(() => this.#inner.prepare(text, options.baseIri ?? undefined));
    return new PreparedQuery(this.#inner, prepared);
  }

  /** Applies a SPARQL update in one transaction; returns `{inserted, deleted}`. */
  update(text, options = {}) {
    return wrap(() => this.#inner.update(text, options.baseIri ?? undefined));
  }

  /**
   * Parses RDF text (a string, or its UTF-8 bytes as a `Uint8Array` such as a Node `Buffer`) and
   * adds its quads in one transaction; returns how many were read.
   * Options: `format` (media type, extension or name: `turtle`, `ntriples`, `nquads`, `trig`,
   * `rdfxml`, `jsonld`, `n3`), `baseIri`, `graph` (for triple syntaxes).
   */
  load(data, options = {}) {
    const format = options.format ?? "text/turtle";
    return wrap(() => this.#inner.load(utf8(data), format, options.baseIri ?? undefined, encodeGraph(options.graph)));
  }

  /** Serializes the store, or one `graph`, in `format`; `explicitOnly` leaves out inferred quads. */
  dump(options = {}) {
    const format = options.format ?? "application/n-quads";
    return wrap(() => this.#inner.dump(format, encodeGraph(options.graph), options.explicitOnly === true));
  }

  /** RDF/JS `Sink.import`: adds the quads of a stream; the returned emitter ends when they are in. */
  import(stream) {
    const done = new Emitter();
    const quads = [];
    stream.on("data", (q) => quads.push(q));
    stream.on("error", (error) => done.emit("error", error));
    stream.on("end", () => {
      try {
        this.addAll(quads);
        done.emit("end");
      } catch (error) {
        done.emit("error", error);
      }
    });
    return done;
  }

  /**
   * Turns reasoning on (`rdfs`, `owl2rl`; `none` turns it off), with optional user `rules`, and
   * materializes the closure; every later write keeps it up to date. Returns a report.
   */
  setReasoning(profile, options = {}) {
    return wrap(() => this.#inner.setReasoning(profile, options.rules ?? undefined));
  }

  /** Turns reasoning on with `profile` (default `owl2rl`) and materializes; returns the report. */
  materialize(profile) {
    if (profile != null) return this.setReasoning(profile);
    return wrap(() => this.#inner.materialize());
  }

  /** The reasoning profile in force: `none`, `rdfs` or `owl2rl`. */
  get reasoning() {
    return this.#inner.reasoningProfile();
  }

  /** Matches of rules with a false head: `[{rule, quads}]`. */
  inconsistencies() {
    return wrap(() => this.#inner.inconsistencies()).map(({ rule, quads }) => ({ rule, quads: decodeQuads(unpack(quads)) }));
  }

  /** Frees the WebAssembly memory of this store now rather than at garbage collection. */
  free() {
    this.#inner.free();
  }

  /** Closes the store: an OPFS store flushes and releases its file (then `open` it again). */
  close() {
    this.free();
  }
}

// ---------------------------------------------------------------- a store in a worker

/** A term or quad as plain data, for `postMessage` (structured clone drops prototypes). */
function plain(value) {
  if (value == null || typeof value !== "object") return value;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  if (value.subject !== undefined && value.predicate !== undefined) {
    return { termType: "Quad", subject: plain(value.subject), predicate: plain(value.predicate), object: plain(value.object), graph: plain(value.graph ?? DEFAULT_GRAPH) };
  }
  if (typeof value.termType === "string") {
    return { termType: value.termType, value: value.value, language: value.language, datatype: plain(value.datatype) };
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = plain(v);
  return out;
}

/** The inverse of `plain`: this factory's terms and quads again. */
function revive(value) {
  if (value == null || typeof value !== "object") return value;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, revive(v)]));
  if (Array.isArray(value)) return value.map(revive);
  if (value.termType === "Quad") return fromQuad(value);
  if (typeof value.termType === "string") return fromTerm(value);
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = revive(v);
  return out;
}

/** What a page may call on a store in a worker. */
const REMOTE_METHODS = new Set(["add", "addAll", "delete", "has", "getQuads", "query", "update", "load", "dump", "setReasoning", "materialize", "inconsistencies"]);

/** The store a worker serves to its page (see `serveMessage`). */
let served = null;

/**
 * Answers one message of the page that started this worker (`worker.js` passes them on): the
 * page's `RemoteStore` posts `{ id, method, args }`, the answer is `{ id, ok, value }` or
 * `{ id, ok: false, error: { code, message } }`.
 */
export async function serveMessage(scope, { id, method, args }) {
  try {
    let value = null;
    if (method === "open") {
      served = await Store.open(`opfs:${args[0]}`);
    } else if (method === "close") {
      served?.close();
      served = null;
    } else if (method === "size" && served != null) {
      value = served.size;
    } else if (REMOTE_METHODS.has(method) && served != null) {
      value = served[method](...revive(args));
    } else {
      throw trineError("invalid_call", `no method ${JSON.stringify(method)} on ${served == null ? "a closed" : "an open"} store`);
    }
    scope.postMessage({ id, ok: true, value: plain(value) });
  } catch (error) {
    scope.postMessage({ id, ok: false, error: { code: error.code ?? "internal", message: String(error.message ?? error) } });
  }
}

/**
 * A durable store in a worker, for pages (`await Store.open("opfs:<name>")`): the methods of
 * `Store`, each returning a promise; `size()` is a method here. Terms and quads come back as this
 * module's.
 */
export class RemoteStore {
  #worker;
  #pending = new Map();
  #next = 0;

  constructor(worker) {
    this.#worker = worker;
    worker.addEventListener("message", ({ data: { id, ok, value, error } }) => {
      const pending = this.#pending.get(id);
      if (pending == null) return;
      this.#pending.delete(id);
      if (ok) pending.resolve(revive(value));
      else pending.reject(trineError(error.code, error.message));
    });
    worker.addEventListener("error", (event) => {
      const failure = trineError("worker_failed", `the store's worker failed: ${event.message}`);
      for (const pending of this.#pending.values()) pending.reject(failure);
      this.#pending.clear();
    });
  }

  static async open(name) {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    const store = new RemoteStore(worker);
    try {
      await store.#call("open", [name]);
    } catch (error) {
      worker.terminate();
      throw error;
    }
    return store;
  }

  #call(method, args) {
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, method, args: plain(args) });
    });
  }

  add(q) { return this.#call("add", [q]); }
  addAll(quads) { return this.#call("addAll", [[...quads]]); }
  delete(q) { return this.#call("delete", [q]); }
  has(q) { return this.#call("has", [q]); }
  getQuads(subject, predicate, object, graph) { return this.#call("getQuads", [subject, predicate, object, graph]); }
  size() { return this.#call("size", []); }
  query(text, options = {}) { return this.#call("query", [text, options]); }
  update(text, options = {}) { return this.#call("update", [text, options]); }
  load(data, options = {}) { return this.#call("load", [data, options]); }
  dump(options = {}) { return this.#call("dump", [options]); }
  setReasoning(profile, options = {}) { return this.#call("setReasoning", [profile, options]); }
  materialize(profile) { return this.#call("materialize", [profile]); }
  inconsistencies() { return this.#call("inconsistencies", []); }

  /** Flushes and closes the store, then ends its worker. */
  async close() {
    try {
      await this.#call("close", []);
    } finally {
      this.#worker.terminate();
    }
  }
}

/** A parsed query: `query(options)` runs it, with `options.bindings` for its variables. */
export class PreparedQuery {
  #store;
  #prepared;
  constructor(store, prepared) {
    this.#store = store;
    this.#prepared = prepared;
  }

  /** `select`, `ask`, `construct` or `describe`. */
  get form() {
    return this.#prepared.form();
  }

  /** Runs the query; options as for `Store.query`. */
  query(options = {}) {
    const raw = wrap(() =>
      this.#prepared.run(this.#store, encodeBindings(options.bindings), options.explicitOnly === true, options.resultsFormat ?? undefined),
    );
    return typeof raw === "string" ? raw : decodeResults(raw);
  }
}

export default Store;
