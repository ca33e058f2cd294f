import { addDatabaseKeyVersion, createDatabase, databaseKeyName, masterKeyName, rewrapDatabases, unwrapVersion, type NodeIds } from './database-keys';
import { EnvelopeError, KeyUnavailableError, NodeNotRunningError } from './envelope-errors';
import type { NodeStatus } from './envelope-events';
import { frozenCopy, fromBase64, toBase64, type DatabaseState, type NodeState, type WrappedMasterKey } from './hierarchy-state';
import { KeyCache, type CacheStats } from './key-cache';
import { KmsCallError } from './kms-port';
import { failoverAdvice } from './kms-region-router';
import { REVOCATION_CODES, type NodeContext } from './node-context';
import { countOperations, decryptOneCached, decryptRecords, encryptOneCached, encryptRecords, type NodeKeyAccess } from './node-records';
import type { PlainRecord, SealedRecord } from './record-cipher-pool';
import { runReencryptJob, type ReencryptOptions, type ReencryptResult } from './reencrypt-job';
import { KEY_BYTES, SecretKey } from './secret-key';

/** A node as views of the hierarchy draw it (see EnvelopeNode.view). */
export interface NodeView {
  status: NodeStatus;
  region: string;
  masterKeyVersion: number;
  /** The CMK (and material) that wrapped the master key: not the ARN a node was pointed at without re-wrap. */
  cmkArn: string;
  keyMaterialId: string | undefined;
  databases: { name: string; keyVersions: number }[];
}

/** The outcome of a node's health check (a KMS Decrypt of its wrapped master key). */
export interface HealthCheckResult {
  ok: boolean;
  region: string;
  /** The KMS error name when the check failed. */
  kmsCode?: string;
  message?: string;
  /** True when the failed check shut the node down (KMS refused: the key is revoked, disabled or gone). */
  shutDown: boolean;
}

/** One node's master-key rotation: versions, database keys re-wrapped, and the CMK material now wrapping it. */
export interface MasterKeyRotation {
  node: string;
  fromVersion: number;
  toVersion: number;
  databaseKeysRewrapped: number;
  cmkArn: string;
  keyMaterialId: string | undefined;
}

const KMS_REASONS: Record<string, string> = {
  AccessDeniedException: 'the key policy or grants no longer let this service use the CMK',
  DisabledException: 'the CMK is disabled',
  KMSInvalidStateException: 'the CMK is not usable in its current state (for example pending deletion)',
  NotFoundException: 'the CMK no longer exists',
  InvalidCiphertextException: 'KMS does not recognise the wrapped master key (wrong context, altered, or its CMK was deleted)',
};

/**
 * One node of the cluster (Atlas: a replica-set member): its master key, wrapped by the CMK and
 * unwrapped with KMS Decrypt when it starts, its database keys wrapped by the master key, and a
 * key cache with limits. Nodes are made and restored by EnvelopeCluster; a drill drives their
 * lifecycle: start → running (on cache) → health checks → shut down / fail → restart.
 */
export class EnvelopeNode {
  private readonly cache: KeyCache;
  /** What record crypto may use of this node; kept private so no caller outside the core reaches a key. */
  private readonly access: NodeKeyAccess;
  private statusNow: NodeStatus = 'stopped';
  private failure: { reason: string; kmsCode?: string } | undefined;
  /** One KMS Decrypt at a time: concurrent callers that miss the master key share it (drills count calls). */
  private loading: Promise<SecretKey> | undefined;
  private starting: Promise<void> | undefined;

  /** @internal built by EnvelopeCluster */
  constructor(
    private readonly ctx: NodeContext,
    private state: NodeState,
    running?: SecretKey,
  ) {
    this.cache = new KeyCache(ctx.clock, ctx.cacheLimits, (key, secret, reason) => {
      ctx.pool.forget(secret);
      ctx.events.emit('cache-eviction', { node: this.id, key, reason });
    });
    this.access = {
      id: state.node,
      cache: this.cache,
      pool: ctx.pool,
      database: (name) => this.database(name),
      databaseByKeyId: (keyId) => this.state.databases.find((d) => d.keyId === keyId),
      databaseKey: (db, version) => this.databaseKey(db, version),
    };
    if (running) {
      this.cache.put(this.masterName, running);
      this.statusNow = 'running';
    }
  }

  get id(): string {
    return this.state.node;
  }
  get status(): NodeStatus {
    return this.statusNow;
  }
  /** The KMS Region this node calls. */
  get region(): string {
    return this.state.region;
  }
  get masterKeyVersion(): number {
    return this.state.masterKey.version;
  }
  /** Why the node last failed (KMS refused or was unreachable), until it starts again. */
  get lastFailure(): { reason: string; kmsCode?: string } | undefined {
    return this.failure;
  }
  databases(): string[] {
    return this.state.databases.map((d) => d.name);
  }
  cacheStats(): CacheStats {
    return this.cache.stats();
  }
  /**
   * What a view of the hierarchy draws of this node, read without copying its state (a drill of a
   * thousand tenants reads it at every change): status, Region, master key and the CMK wrapping it,
   * and how many versions each database key has.
   */
  view(): NodeView {
    const { masterKey, region, databases } = this.state;
    return {
      status: this.statusNow,
      region,
      masterKeyVersion: masterKey.version,
      // The CMK that wrapped the master key, even when the node was pointed at another without re-wrap.
      cmkArn: masterKey.wrappedUnder ? masterKey.wrappedUnder.cmkArn : masterKey.cmkArn,
      keyMaterialId: masterKey.wrappedUnder ? masterKey.wrappedUnder.keyMaterialId : masterKey.keyMaterialId,
      databases: databases.map((d) => ({ name: d.name, keyVersions: d.keys.length })),
    };
  }

  /** What the cached master key may still serve before a limit makes the node fetch it from KMS again; undefined when it is not cached. */
  masterKeyBudget(): { operations: number; ms: number } | undefined {
    const budget = this.cache.budget(this.masterName);
    return budget && { operations: budget.operations, ms: budget.ms };
  }

  /** What is persisted for this node: wrapped keys, ids, versions, Region. A frozen copy. */
  exportState(): NodeState {
    return frozenCopy(this.state);
  }

  /** Unwraps the master key with KMS Decrypt. Throws KeyUnavailableError (or FailoverRefusedError) and leaves the node failed when KMS will not. */
  start(): Promise<void> {
    if (this.statusNow === 'running') return Promise.resolve();
    this.starting ??= (async () => {
      try {
        this.failure = undefined;
        this.setStatus('starting');
        const master = await this.unwrapMasterKey();
        if (this.statusNow !== 'starting') {
          master.destroy();
          throw new NodeNotRunningError(`Node ${this.id} was ${this.statusNow} while it started.`);
        }
        this.cache.put(this.masterName, master);
        this.setStatus('running');
      } finally {
        this.starting = undefined;
      }
    })();
    return this.starting;
  }

  /** Proves access with a KMS Decrypt of the wrapped master key; a KMS refusal shuts a running node down (unless disabled by option). */
  async healthCheck(): Promise<HealthCheckResult> {
    try {
      const { plaintext, region } = await this.decryptMasterKey();
      plaintext.fill(0);
      this.ctx.events.emit('health-check', { node: this.id, region, ok: true });
      return { ok: true, region, shutDown: false };
    } catch (err) {
      const kms = kmsErrorOf(err);
      const code = kms?.code ?? (err as EnvelopeError).code ?? 'Error';
      this.ctx.events.emit('health-check', { node: this.id, region: kms?.region ?? this.region, ok: false, kmsCode: code });
      const shutDown = this.statusNow === 'running' && this.ctx.shutDownOnRevocation && REVOCATION_CODES.has(code);
      if (shutDown) this.fail(`health check failed: KMS answered ${code}`, code);
      return { ok: false, region: kms?.region ?? this.region, kmsCode: code, message: (err as Error).message, shutDown };
    }
  }

  /** Stops serving: every cached key is evicted and zeroed. */
  shutdown(reason = 'shut down by the operator'): void {
    this.cache.clear();
    if (this.statusNow !== 'stopped') this.setStatus('stopped', reason);
  }

  async restart(): Promise<void> {
    this.shutdown('restarting');
    await this.start();
  }

  async addDatabase(name: string): Promise<void> {
    if (this.state.databases.some((d) => d.name === name)) throw new EnvelopeError('CONFLICT', `Node ${this.id} already has a database named ${name}.`);
    const master = await this.masterKey();
    const { state, key } = createDatabase(this.ids, name, master, this.masterKeyVersion, this.ctx.clock.now(), this.ctx.ids.uuid());
    this.state = { ...this.state, databases: [...this.state.databases, state] };
    this.cache.put(key.name, key, this.masterName);
  }

  /** A new database key version for new records; records sealed before stay readable with the older versions. */
  async rotateDatabaseKey(database: string): Promise<number> {
    const master = await this.masterKey();
    const next = addDatabaseKeyVersion(this.ids, this.database(database), master, this.masterKeyVersion, this.ctx.clock.now());
    this.replaceDatabase(next.state);
    this.cache.put(next.key.name, next.key, this.masterName);
    this.ctx.events.emit('database-key-rotated', { node: this.id, database, version: next.version });
    return next.version;
  }

  /**
   * Rolling master-key rotation for this node (Atlas: at least every 90 days): a new master key
   * from GenerateDataKey under the cluster's current CMK, every database key re-wrapped, no record
   * rewritten. The old master key is evicted and zeroed.
   */
  async rotateMasterKey(): Promise<MasterKeyRotation> {
    const old = await this.masterKey();
    const from = this.masterKeyVersion;
    const cmk = this.ctx.cmk();
    const context = this.ctx.encryptionContext(this.id);
    const { result, region } = await this.ctx.router.run(cmk.keyArn, this.region, (r, keyId) =>
      this.ctx.observe(this.id, 'GenerateDataKey', r, () => this.ctx.kmsFor(this.id).generateDataKey({ region: r, keyId, encryptionContext: context })),
    );
    this.noteRegion(region, true);
    const fresh = SecretKey.adopt(masterKeyName(this.id, from + 1), result.plaintext);
    const { databases, count } = rewrapDatabases(this.ids, this.state.databases, old, from, fresh, from + 1);
    const masterKey: WrappedMasterKey = { version: from + 1, ciphertextBlob: toBase64(result.ciphertextBlob), cmkArn: result.keyArn, keyMaterialId: result.keyMaterialId, encryptionContext: { ...context }, createdAt: this.ctx.clock.now() };
    this.state = { ...this.state, masterKey, databases };
    this.cache.evict(masterKeyName(this.id, from), 'replaced');
    this.cache.put(this.masterName, fresh);
    const rotation = { node: this.id, fromVersion: from, toVersion: from + 1, databaseKeysRewrapped: count, cmkArn: result.keyArn, keyMaterialId: result.keyMaterialId };
    this.ctx.events.emit('master-key-rotated', rotation);
    return rotation;
  }

  encryptRecords(database: string, records: readonly PlainRecord[]): Promise<Uint8Array[]> {
    return encryptRecords(this.access, database, records);
  }
  decryptRecords(records: readonly SealedRecord[]): Promise<Uint8Array[]> {
    return decryptRecords(this.access, records);
  }
  async encryptRecord(database: string, recordId: string, plaintext: Uint8Array): Promise<Uint8Array> {
    const record = { recordId, plaintext };
    return encryptOneCached(this.access, database, record) ?? ((await encryptRecords(this.access, database, [record]))[0] as Uint8Array);
  }
  async decryptRecord(recordId: string, sealed: Uint8Array): Promise<Uint8Array> {
    const record = { recordId, sealed };
    return decryptOneCached(this.access, record) ?? ((await decryptRecords(this.access, [record]))[0] as Uint8Array);
  }
  /** Counts bulk operations (and bytes) against the current key's cache limits without doing the crypto. */
  countOperations(database: string, operations: number, bytes = 0): Promise<void> {
    return countOperations(this.access, database, operations, bytes);
  }
  /** Moves records of older database key versions to the current one; reports progress. */
  reencryptRecords(database: string, records: readonly SealedRecord[], options?: ReencryptOptions): Promise<ReencryptResult> {
    return runReencryptJob(this.access, this.ctx.events, database, records, options);
  }

  /** The stored state of a database (a frozen copy); NOT_FOUND when the node has none by that name. */
  databaseState(name: string): DatabaseState {
    return frozenCopy(this.database(name));
  }

  private database(name: string): DatabaseState {
    const db = this.state.databases.find((d) => d.name === name);
    if (!db) throw new EnvelopeError('NOT_FOUND', `Node ${this.id} has no database named ${name}.`);
    return db;
  }
  private async databaseKey(db: DatabaseState, version: number): Promise<SecretKey> {
    const name = databaseKeyName(this.id, db.name, version);
    for (;;) {
      const cached = this.cache.get(name);
      if (cached) return cached;
      this.ctx.events.emit('cache-miss', { node: this.id, key: name });
      const masterVersion = this.masterKeyVersion;
      const master = await this.masterKey();
      // While we waited, another caller may have unwrapped this key, or the master key may have
      // been evicted or rotated: look again rather than use a key that is gone.
      if (this.cache.has(name) || master.destroyed || masterVersion !== this.masterKeyVersion) continue;
      const key = unwrapVersion(this.ids, this.database(db.name), version, master, this.masterKeyVersion);
      this.cache.put(name, key, this.masterName);
      return key;
    }
  }

  /** @internal CMK replacement: the master key re-encrypted under another CMK (same plaintext). */
  replaceWrappedMasterKey(wrapped: Pick<WrappedMasterKey, 'ciphertextBlob' | 'cmkArn' | 'keyMaterialId' | 'wrappedUnder'>): void {
    // A master key re-encrypted for real is wrapped under the CMK it names: an earlier wrappedUnder goes.
    const { wrappedUnder: _earlier, ...kept } = this.state.masterKey;
    this.state = { ...this.state, masterKey: { ...kept, ...wrapped } };
  }

  /** @internal manual failover, validated by the cluster. */
  switchRegion(region: string): void {
    this.noteRegion(region, false);
  }

  private get ids(): NodeIds {
    return { tenant: this.ctx.tenant, cluster: this.ctx.cluster, node: this.id };
  }
  private get masterName(): string {
    return masterKeyName(this.id, this.masterKeyVersion);
  }

  private async masterKey(): Promise<SecretKey> {
    if (this.statusNow !== 'running') {
      throw new NodeNotRunningError(`Node ${this.id} is ${this.statusNow}${this.failure ? ` (${this.failure.reason})` : ''}: start it before using its keys.`);
    }
    const cached = this.cache.get(this.masterName);
    if (cached) return cached;
    this.loading ??= (async () => {
      try {
        this.ctx.events.emit('cache-miss', { node: this.id, key: this.masterName });
        const master = await this.unwrapMasterKey();
        if (this.statusNow !== 'running') {
          master.destroy();
          throw new NodeNotRunningError(`Node ${this.id} was ${this.statusNow} while its master key was being unwrapped.`);
        }
        this.cache.put(this.masterName, master);
        return master;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** KMS Decrypt of the wrapped master key; on failure the node fails with the KMS reason. */
  private async unwrapMasterKey(): Promise<SecretKey> {
    try {
      const { plaintext } = await this.decryptMasterKey();
      return SecretKey.adopt(this.masterName, plaintext);
    } catch (err) {
      const kms = err instanceof KmsCallError ? err : undefined;
      this.fail(kms ? `cannot unwrap the master key: ${kms.code} in ${kms.region}` : (err as Error).message, kms?.code ?? kmsErrorOf(err)?.code);
      if (!kms) throw err;
      const why = kms.unreachable ? `KMS in ${kms.region} is unreachable (${kms.code}). ${failoverAdvice(this.ctx.cmk(), kms.region)}` : `${kms.message}${KMS_REASONS[kms.code] ? ` — ${KMS_REASONS[kms.code]}` : ''}.`;
      throw new KeyUnavailableError(`Node ${this.id} cannot unwrap its master key: ${why}`, kms);
    }
  }

  private async decryptMasterKey(): Promise<{ plaintext: Uint8Array; region: string }> {
    const wrapped = this.state.masterKey;
    const { result, region } = await this.ctx.router.run(wrapped.cmkArn, this.region, (r, keyId) =>
      this.ctx.observe(this.id, 'Decrypt', r, () => this.ctx.kmsFor(this.id).decrypt({ region: r, ciphertextBlob: fromBase64(wrapped.ciphertextBlob), encryptionContext: wrapped.encryptionContext, keyId })),
    );
    this.noteRegion(region, true);
    if (result.plaintext.length !== KEY_BYTES) {
      result.plaintext.fill(0);
      throw new EnvelopeError('KEY_UNWRAP_FAILED', `KMS returned a master key of ${result.plaintext.length} bytes for node ${this.id}; master keys are ${KEY_BYTES} bytes.`);
    }
    return { plaintext: result.plaintext, region };
  }

  private noteRegion(region: string, automatic: boolean): void {
    if (region === this.state.region) return;
    const from = this.state.region;
    this.state = { ...this.state, region };
    this.ctx.logger.info('node KMS Region switched', { node: this.id, from, to: region, automatic });
    this.ctx.events.emit('failover', { node: this.id, from, to: region, automatic });
  }

  private replaceDatabase(db: DatabaseState): void {
    this.state = { ...this.state, databases: this.state.databases.map((d) => (d.name === db.name ? db : d)) };
  }

  private fail(reason: string, kmsCode: string | undefined): void {
    this.cache.clear();
    this.failure = { reason, ...(kmsCode ? { kmsCode } : {}) };
    this.setStatus('failed', reason, kmsCode);
  }

  private setStatus(status: NodeStatus, reason?: string, kmsCode?: string): void {
    const previous = this.statusNow;
    this.statusNow = status;
    this.ctx.logger.info('node status', { node: this.id, status, previous, reason, kmsCode });
    this.ctx.events.emit('node-state', { node: this.id, status, previous, ...(reason ? { reason } : {}), ...(kmsCode ? { kmsCode } : {}) });
  }
}

function kmsErrorOf(err: unknown): KmsCallError | undefined {
  if (err instanceof KmsCallError) return err;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof KmsCallError ? cause : undefined;
}
