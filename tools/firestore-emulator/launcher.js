#!/usr/bin/env node
// Local in-memory Firestore emulator for tests.
//
//   node launcher.js [--host 127.0.0.1] [--port 8085] [--txn-timeout-ms 30000]
//
// Prints "firestore emulator ready on HOST:PORT" once listening (with --port 0
// the OS picks a free port and the line shows it). Exits on SIGTERM/SIGINT.
//
// Wraps @firestore-emulator/server 0.3.15 and patches its gRPC handlers at run
// time (node_modules stays pristine, so `npm ci` is enough):
//   * Transactions: 0.3.15 hands out one fixed transaction id and never detects
//     conflicts (lost updates). Here every BeginTransaction gets a unique id, and
//     read-write transactions behave like Firestore's pessimistic mode:
//       - a document read inside a transaction is locked for it (exclusive);
//         another transaction reading it waits until the holder commits or rolls
//         back ("wound-wait": if the waiter is OLDER than the holder, the holder is
//         wounded instead, i.e. marked aborted and its locks released, so there is
//         no deadlock; a retried transaction keeps the age of its first attempt
//         via retry_transaction, so it cannot starve);
//       - the version of every document / query result read is remembered, and
//         Commit answers ABORTED (code 10) if any of them changed meanwhile (e.g.
//         a non-transactional write) or if the transaction was wounded or expired.
//         The Python client retries the transaction on ABORTED.
//   * Commit applies all its writes atomically (all or nothing) and honours
//     update_time preconditions; check + apply run without any await, so they
//     are atomic on Node's single thread. Commit times strictly increase (ms),
//     so an update_time names one version of a document, as in Firestore.
//   * A new document is added to its collection in place (0.3.15 copied the
//     collection's whole map for each: loading n documents took n² time).
//   * Several field transforms in one write are all applied (0.3.15 dropped all
//     transforms after a SERVER_TIMESTAMP / array transform).
//   * A write without a field mask (set() without merge) replaces the document;
//     0.3.15 merged it into the old fields.
//   * Writes per commit: like Firestore, a Commit (batch or transaction) of more
//     than 500 writes is refused with INVALID_ARGUMENT and writes nothing.
//   * Document size: like Firestore, a commit that would leave a document over
//     1 MiB (1,048,576 bytes) is refused with INVALID_ARGUMENT and writes nothing
//     (set/create/update, batches and transactions all commit through here). The
//     size follows https://cloud.google.com/firestore/docs/storage-size: the
//     name (each collection and document id: UTF-8 bytes + 1, plus 16), each
//     field name (UTF-8 + 1) and value (string UTF-8 + 1; boolean and null 1;
//     integer, double and timestamp 8; bytes their length; geo point 16; a
//     reference its name's size; arrays and maps the sum of their parts), plus
//     32. Integer document ids are not used here, so every id counts as a string.
//     (The 1,500-byte limit on indexed values is not enforced: Firestore does not
//     refuse such values, it truncates their index entries.)
// Not fixed (known gaps of 0.3.15): offset, start/end cursors and collection
// group queries are ignored; where(x == None) (unary filters) is ignored, or
// fails when combined with other filters.
"use strict";

const crypto = require("node:crypto");
const grpc = require("@grpc/grpc-js");
const {
  FirestoreServer,
  FirestoreState,
  FirestoreStateCollection,
  FirestoreStateDocument,
  TimestampFromDate,
} = require("@firestore-emulator/server");
const {
  BatchGetDocumentsResponse,
  BeginTransactionResponse,
  CommitResponse,
  RunQueryResponse,
} = require("@firestore-emulator/proto/dist/google/firestore/v1/firestore");
const { Empty } = require("@firestore-emulator/proto/dist/google/protobuf/empty");
const { Write } = require("@firestore-emulator/proto/dist/google/firestore/v1/write");

const S = grpc.status;

// ---- command line -----------------------------------------------------------
function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const HOST = arg("host", "127.0.0.1");
const PORT = Number(arg("port", "8085"));
const TXN_TIMEOUT_MS = Number(arg("txn-timeout-ms", "30000"));

// ---- get the package's state + service implementation -----------------------
// FirestoreServer builds both but binds to 0.0.0.0 and keeps them private; we
// capture the (definition, implementation) pair it registers, then serve it on
// our own loopback server after patching the handlers.
let captured = null;
const origAddService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (definition, impl) {
  captured = { definition, impl };
};
const emulator = new FirestoreServer();
grpc.Server.prototype.addService = origAddService;
if (!captured) throw new Error("could not capture the Firestore service (duplicate @grpc/grpc-js?)");
const state = emulator.state;
const impl = captured.impl;
const orig = {}; // original handlers, bound
for (const name of ["BatchGetDocuments", "BeginTransaction", "Commit", "Rollback", "RunQuery", "RunAggregationQuery"]) {
  orig[name] = impl[name].bind(impl);
}

// ---- document versions --------------------------------------------------------
// Bumped on every committed write; update_time has only ms resolution, too coarse.
const versions = new Map(); // document path -> integer
let versionClock = 0;
const docPath = (name) => state.getDocument(name).getPath(); // normalised path
const versionOf = (path) => versions.get(path) || 0;
const querySignature = (parent, sq) =>
  state.v1Query(parent, sq).map((d) => `${d.getPath()}@${versionOf(d.getPath())}`).join("|");

// ---- transactions ------------------------------------------------------------
const txns = new Map(); // hex id -> txn
const ageById = new Map(); // hex id -> age of its first attempt (for retry_transaction)
const locks = new Map(); // document path -> txn holding it
const waiters = new Map(); // document path -> [{ txn, resolve }]
let txnClock = 0;
const stats = { begun: 0, committed: 0, commitAborted: 0, wounded: 0, expired: 0, lockWaits: 0 };
const hex = (bytes) => Buffer.from(bytes || []).toString("hex");

function beginTxn(options) {
  const id = crypto.randomBytes(16);
  const key = hex(id);
  const retryOf = options && options.has_read_write ? hex(options.read_write.retry_transaction) : "";
  const age = ageById.get(retryOf) ?? ++txnClock; // retries keep their place in line
  ageById.set(key, age);
  if (ageById.size > 100000) ageById.delete(ageById.keys().next().value);
  const txn = {
    id, key, age,
    readOnly: !!(options && options.has_read_only),
    aborted: false,
    reads: new Map(), // path -> version seen
    queries: [], // { parent, sq, sig }
    locks: new Set(),
    waiting: new Set(),
    timer: null,
  };
  txns.set(key, txn);
  touch(txn);
  stats.begun++;
  return txn;
}

// Abandoned transactions (client died without commit/rollback) expire.
function touch(txn) {
  clearTimeout(txn.timer);
  txn.timer = setTimeout(() => {
    abortTxn(txn, "expired");
    // keep the id a while so a late Commit gets ABORTED rather than "unknown"
    txn.timer = setTimeout(() => txns.delete(txn.key), 10 * TXN_TIMEOUT_MS).unref();
  }, TXN_TIMEOUT_MS).unref();
}

function lookupTxn(bytes) {
  const txn = txns.get(hex(bytes));
  if (!txn) throw grpcError(S.INVALID_ARGUMENT, "transaction is invalid or has expired");
  touch(txn);
  return txn;
}

function releaseLock(path) {
  locks.delete(path);
  const queue = waiters.get(path) || [];
  if (queue.length === 0) return waiters.delete(path);
  queue.sort((a, b) => a.txn.age - b.txn.age); // oldest waiter gets it
  const next = queue.shift();
  next.txn.waiting.delete(next);
  locks.set(path, next.txn);
  next.txn.locks.add(path);
  next.resolve();
}

// Wound / finish: mark aborted, drop locks, let its pending reads go on unlocked
// (its Commit will answer ABORTED anyway).
function abortTxn(txn, why) {
  if (!txn.aborted && why) stats[why]++;
  txn.aborted = true;
  for (const path of txn.locks) releaseLock(path);
  txn.locks.clear();
  for (const w of txn.waiting) {
    const q = waiters.get(w.path);
    if (q) q.splice(q.indexOf(w), 1);
    w.resolve();
  }
  txn.waiting.clear();
}

function finishTxn(txn) {
  abortTxn(txn, null);
  clearTimeout(txn.timer);
  txns.delete(txn.key);
}

// Resolves once txn holds the lock on path (or txn is doomed).
// Invariant: every waiter is younger than the holder (waits-for edges always
// point to older transactions, hence no deadlock).
function acquire(txn, path) {
  const holder = locks.get(path);
  if (txn.readOnly || txn.aborted || holder === txn) return Promise.resolve();
  if (!holder) {
    locks.set(path, txn);
    txn.locks.add(path);
    return Promise.resolve();
  }
  const granted = new Promise((resolve) => {
    const w = { txn, path, resolve };
    txn.waiting.add(w);
    if (!waiters.has(path)) waiters.set(path, []);
    waiters.get(path).push(w);
  });
  // Older than the holder: wound it. Its release hands the lock to the oldest
  // waiter, which is txn (all other waiters are younger than the holder).
  if (txn.age < holder.age) abortTxn(holder, "wounded");
  else stats.lockWaits++;
  return granted;
}

// Does everything txn read still look the same? (sync)
function readsUnchanged(txn) {
  for (const [path, v] of txn.reads) if (versionOf(path) !== v) return false;
  return txn.queries.every((q) => querySignature(q.parent, q.sq) === q.sig);
}

// ---- helpers -----------------------------------------------------------------
function grpcError(code, details) {
  const e = new Error(details);
  e.code = code;
  e.details = details;
  return e;
}
// Unexpected errors become UNKNOWN / UNIMPLEMENTED, never INTERNAL: the Python
// client silently retries INTERNAL on reads for up to 300 s.
function toGrpcError(err) {
  if (err && typeof err.code === "number") return { code: err.code, details: err.details || err.message };
  const details = String((err && err.message) || err);
  console.error(err);
  return { code: /not (implemented|supported)/i.test(details) ? S.UNIMPLEMENTED : S.UNKNOWN, details };
}
// Run an async streaming handler, turning any failure into a gRPC status.
function streaming(fn) {
  return (call) => {
    Promise.resolve()
      .then(() => fn(call))
      .catch((err) => call.emit("error", toGrpcError(err)));
  };
}
const tsMillis = (ts) => Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6);

// ---- document size ----------------------------------------------------------------
const MAX_DOCUMENT_BYTES = 1024 * 1024;
const MAX_WRITES_PER_COMMIT = 500;
const stringSize = (text) => Buffer.byteLength(String(text), "utf8") + 1;
const nameSize = (name) =>
  String(name).split("/documents/")[1].split("/").reduce((sum, id) => sum + stringSize(id), 16);
function valueSize(value) {
  if ("string_value" in value) return stringSize(value.string_value);
  if ("boolean_value" in value || "null_value" in value) return 1;
  if ("integer_value" in value || "double_value" in value || "timestamp_value" in value) return 8;
  if ("bytes_value" in value) return Buffer.from(value.bytes_value || []).length;
  if ("geo_point_value" in value) return 16;
  if ("reference_value" in value) return nameSize(value.reference_value);
  if ("array_value" in value) return (value.array_value.values || []).reduce((sum, v) => sum + valueSize(v), 0);
  if ("map_value" in value) return fieldsSize(value.map_value.fields || {});
  return 8;
}
const fieldsSize = (fields) =>
  Object.entries(fields).reduce((sum, [name, v]) => sum + stringSize(name) + valueSize(v), 0);
const documentSize = (doc) => nameSize(doc.name) + fieldsSize(doc.fields || {}) + 32;

// ---- patched handlers ----------------------------------------------------------
impl.BeginTransaction = (call, callback) => {
  const txn = beginTxn(call.request.has_options ? call.request.options : null);
  callback(null, BeginTransactionResponse.fromObject({ transaction: txn.id }));
};

impl.Rollback = (call, callback) => {
  const txn = txns.get(hex(call.request.transaction));
  if (txn) finishTxn(txn);
  callback(null, Empty.fromObject({}));
};

impl.BatchGetDocuments = streaming(async (call) => {
  const req = call.request;
  if (req.consistency_selector !== "transaction" && req.consistency_selector !== "new_transaction") {
    return orig.BatchGetDocuments(call);
  }
  const txn = req.has_new_transaction ? beginTxn(req.new_transaction) : lookupTxn(req.transaction);
  if (req.has_new_transaction) call.write(BatchGetDocumentsResponse.fromObject({ transaction: txn.id }));
  for (const name of req.documents) {
    const path = docPath(name);
    await acquire(txn, path);
    if (!txn.readOnly && !txn.reads.has(path)) txn.reads.set(path, versionOf(path));
    const doc = state.getDocument(name);
    call.write(
      BatchGetDocumentsResponse.fromObject({
        found: doc.metadata.hasExist ? doc.toV1DocumentObject() : undefined,
        missing: doc.metadata.hasExist ? undefined : name,
        read_time: TimestampFromDate(new Date()),
      }),
    );
  }
  call.end();
});

impl.RunQuery = streaming(async (call) => {
  const req = call.request;
  if (req.consistency_selector !== "transaction" && req.consistency_selector !== "new_transaction") {
    return orig.RunQuery(call);
  }
  const txn = req.has_new_transaction ? beginTxn(req.new_transaction) : lookupTxn(req.transaction);
  const { parent, structured_query: sq } = req;
  // Lock every result, re-run (results may change while we waited), repeat.
  let docs = state.v1Query(parent, sq);
  for (let round = 0; round < 5 && !txn.readOnly; round++) {
    const missing = docs.map((d) => d.getPath()).filter((p) => !txn.locks.has(p));
    if (missing.length === 0 || txn.aborted) break;
    for (const p of missing) await acquire(txn, p);
    docs = state.v1Query(parent, sq);
  }
  if (!txn.readOnly) {
    for (const d of docs) if (!txn.reads.has(d.getPath())) txn.reads.set(d.getPath(), versionOf(d.getPath()));
    txn.queries.push({ parent, sq, sig: querySignature(parent, sq) }); // phantom check at commit
  }
  const readTime = TimestampFromDate(new Date());
  const newTx = req.has_new_transaction ? txn.id : undefined;
  if (docs.length === 0) {
    call.write(RunQueryResponse.fromObject({ done: true, read_time: readTime, skipped_results: 0, transaction: newTx }));
  }
  docs.forEach((d, i) => {
    call.write(
      RunQueryResponse.fromObject({
        document: d.toV1DocumentObject(),
        done: i === docs.length - 1,
        read_time: readTime,
        skipped_results: 0,
        transaction: i === 0 ? newTx : undefined,
      }),
    );
  });
  call.end();
});

impl.RunAggregationQuery = (call) => {
  // Aggregations inside a transaction: no locks, but re-checked at commit.
  const req = call.request;
  if (req.consistency_selector === "transaction") {
    try {
      const txn = lookupTxn(req.transaction);
      const sq = req.structured_aggregation_query.structured_query;
      if (!txn.readOnly) txn.queries.push({ parent: req.parent, sq, sig: querySignature(req.parent, sq) });
    } catch (err) {
      return call.emit("error", toGrpcError(err));
    }
  }
  return orig.RunAggregationQuery(call);
};

// Apply all writes or none. FirestoreStateDocument replaces its (immer-frozen)
// metadata/fields objects on every change, so a shallow snapshot is enough.
function applyWritesAtomically(date, writes) {
  const snapshots = new Map();
  try {
    const results = writes.map((write) => {
      const name = write.has_delete ? write.delete : write.update.name;
      const doc = state.getDocument(name);
      if (!snapshots.has(doc)) snapshots.set(doc, { metadata: doc.metadata, fields: doc.fields });
      const pre = write.has_current_document ? write.current_document : null;
      if (pre && pre.has_update_time) {
        const ok = doc.metadata.hasExist && doc.metadata.updatedAt.getTime() === tsMillis(pre.update_time);
        if (!ok) throw grpcError(S.FAILED_PRECONDITION, `update_time precondition failed for ${name}`);
      }
      // A write without a field mask (a plain set) replaces the document: 0.3.15 merged it
      // into the old fields, so a field dropped from a document stayed.
      if (write.has_update && !write.has_update_mask && doc.metadata.hasExist) doc.fields = {};
      return state.writeV1Document(date, write); // checks exists=true/false preconditions
    });
    for (const doc of snapshots.keys()) {
      if (!doc.metadata.hasExist) continue;
      const size = documentSize(doc.toV1DocumentObject());
      if (size > MAX_DOCUMENT_BYTES) {
        throw grpcError(S.INVALID_ARGUMENT, `Document ${doc.getPath()} is ${size} bytes, larger than the maximum of ${MAX_DOCUMENT_BYTES} bytes`);
      }
    }
    return results;
  } catch (err) {
    for (const [doc, snap] of snapshots) Object.assign(doc, snap);
    throw err;
  }
}

let lastCommitMillis = 0;
impl.Commit = (call, callback) => {
  const req = call.request;
  try {
    // Everything below is synchronous: conflict check + apply are atomic.
    if (req.transaction && req.transaction.length > 0) {
      const txn = lookupTxn(req.transaction);
      const conflict = txn.aborted || !readsUnchanged(txn);
      finishTxn(txn); // releases its locks, whatever happens next
      if (conflict) {
        stats.commitAborted++;
        throw grpcError(S.ABORTED, "transaction aborted: a document it read was changed concurrently, please retry");
      }
      if (txn.readOnly && req.writes.length > 0) {
        throw grpcError(S.INVALID_ARGUMENT, "cannot write in a read-only transaction");
      }
    }
    // Like Firestore: at most 500 writes in one Commit (a batch or a transaction).
    if (req.writes.length > MAX_WRITES_PER_COMMIT) {
      throw grpcError(S.INVALID_ARGUMENT, `maximum ${MAX_WRITES_PER_COMMIT} writes allowed per request, got ${req.writes.length}`);
    }
    // Commit times strictly increase, as Firestore's do: a document's update_time is then a
    // version, which update_time preconditions compare (two commits in one millisecond left a
    // changed document with the update_time it was read at).
    const date = new Date(Math.max(Date.now(), lastCommitMillis + 1));
    lastCommitMillis = date.getTime();
    const results = applyWritesAtomically(date, req.writes);
    for (const w of req.writes) versions.set(docPath(w.has_delete ? w.delete : w.update.name), ++versionClock);
    if (req.transaction && req.transaction.length > 0) stats.committed++;
    callback(
      null,
      CommitResponse.fromObject({
        commit_time: TimestampFromDate(date),
        write_results: results.map((r) => r.toObject()),
      }),
    );
  } catch (err) {
    callback(toGrpcError(err), null);
  }
};

// Field transforms. 0.3.15 `return`s after a server timestamp / array transform,
// silently dropping the transforms after it: apply each one on its own. Also
// ArrayUnion / ArrayRemove on a missing or non-array field: like Firestore,
// start from an empty array (0.3.15 failed with "Invalid transform").
const ArrayField = (() => {
  // the package does not export its field classes: get one from a scratch state
  const scratch = new FirestoreState();
  const name = "projects/p/databases/(default)/documents/c/d";
  scratch.writeV1Document(new Date(), Write.fromObject({ update: { name, fields: { a: { array_value: {} } } } }));
  return scratch.getDocument(name).getField("a").constructor;
})();
const origTransform = FirestoreStateDocument.prototype.v1Transform;
FirestoreStateDocument.prototype.v1Transform = function (date, transforms) {
  for (const t of transforms) {
    const isArrayOp = t.has_append_missing_elements || t.has_remove_all_from_array;
    if (isArrayOp && !(this.getField(t.field_path) instanceof ArrayField)) {
      this.set(date, { [t.field_path]: new ArrayField([]) });
    }
    origTransform.call(this, date, [t]);
  }
};

// Documents of a collection. 0.3.15 adds one by copying the collection's whole (immer-frozen)
// map, so writing n new documents costs n²/2 copies: 100 000 cases took hours to load
// (bench/sweep.py). Nothing else replaces the map, so it is copied once, unfrozen, and grown
// in place; a document is added exactly as before (the same constructor arguments).
FirestoreStateCollection.prototype.getDocument = function (documentName) {
  if (Object.isFrozen(this.documents)) this.documents = { ...this.documents };
  if (!Object.hasOwn(this.documents, documentName)) {
    this.documents[documentName] = new FirestoreStateDocument(
      this.emitter, this.database, this, documentName, {}, {});
  }
  return this.documents[documentName];
};

// ---- serve -------------------------------------------------------------------
const server = new grpc.Server();
server.addService(captured.definition, impl);
server.bindAsync(`${HOST}:${PORT}`, grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`failed to bind ${HOST}:${PORT}: ${err.message}`);
    process.exit(1);
  }
  console.log(`firestore emulator ready on ${HOST}:${port}`);
});

function shutdown(signal) {
  console.error(`received ${signal}, stopping; transactions: ${JSON.stringify(stats)}`);
  const force = setTimeout(() => {
    server.forceShutdown();
    process.exit(0);
  }, 1000);
  server.tryShutdown(() => {
    clearTimeout(force);
    process.exit(0);
  });
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
