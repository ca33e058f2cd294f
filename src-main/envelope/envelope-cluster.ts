import { systemClock, type Clock } from '../common/clock';
import { randomIds, type IdSource } from '../common/id-source';
import { replaceCmk, rotateMasterKeysRolling, sameKey, type CmkReplacementReport, type RollingRotationReport } from './cmk-rotation';
import { masterKeyName, type NodeIds } from './database-keys';
import { EnvelopeError } from './envelope-errors';
import { EnvelopeEvents, silentLogger, type Logger } from './envelope-events';
import { EnvelopeNode } from './envelope-node';
import { frozenCopy, parseClusterState, toBase64, type ClusterState, type CmkState, type FailoverConfig, type NodeState, type SnapshotState } from './hierarchy-state';
import type { CacheLimits } from './key-cache';
import type { EncryptionContext, KmsPort } from './kms-port';
import { KmsCallError } from './kms-port';
import { KmsRegionRouter, keyIdOfArn, regionOfArn } from './kms-region-router';
import type { NodeContext } from './node-context';
import { RecordCipherPool, type SealedRecord } from './record-cipher-pool';
import { SecretKey } from './secret-key';
import { restoreSnapshot, takeSnapshot } from './snapshot-keys';

/** What every cluster is built with: the KMS port and the injected clock, logger, pool and limits. */
export interface EnvelopeOptions {
  /** The only way to KMS (SdkKmsPort over KmsClientFactory.clientFor in the app). */
  kms: KmsPort;
  /** A node's own KMS port (e.g. a session of the service role on the node's network path); `kms` when undefined. */
  kmsForNode?: ((node: string) => KmsPort | undefined) | undefined;
  clock?: Clock;
  /** Database key ids and snapshot ids; random by default, a seeded source makes a drill repeat exactly. */
  ids?: IdSource;
  logger?: Logger;
  /** Shared worker pool for bulk record crypto; by default the cluster makes one and closes it in close(). */
  pool?: RecordCipherPool;
  cacheLimits?: Partial<CacheLimits>;
  /** Encryption context of master keys; default `{ tenant, cluster, node }`. */
  encryptionContext?: (ids: NodeIds) => EncryptionContext;
  /** Whether a health check refused by KMS shuts a running node down (Atlas does). Default true. */
  shutDownOnRevocation?: boolean;
}

/** A new cluster: the tenant, the cluster id, the tenant's CMK and the Region to use it in. */
export interface CreateClusterOptions extends EnvelopeOptions {
  tenant: string;
  cluster: string;
  /** The tenant's CMK: key id, alias or ARN, as the tenant configured it. */
  cmk: string;
  /** The KMS Region nodes call by default (Atlas: "Customer Master Key Region"). */
  region: string;
  failover?: { mode: FailoverConfig['mode']; regions?: string[] };
}

/** A wrapped key and what it depends on: which CMK and which key material must still exist. */
export interface KeyDependency {
  kind: 'master-key' | 'snapshot';
  id: string;
  node: string;
  cmkArn: string;
  keyMaterialId: string | undefined;
}

/**
 * One tenant's cluster in the envelope hierarchy: customer CMK → a master key per node → a key per
 * database per node → records, plus snapshot keys. Plain class, injected KMS port, clock and
 * logger, typed events; built fresh with `create` or from stored state with `restore`.
 */
export class EnvelopeCluster {
  readonly events: EnvelopeEvents;
  private cmkState: CmkState;
  private failoverState: FailoverConfig;
  private readonly nodeMap = new Map<string, EnvelopeNode>();
  private snapshotList: SnapshotState[];
  private readonly ctx: NodeContext;
  private readonly ownsPool: boolean;

  private constructor(options: EnvelopeOptions, state: Omit<ClusterState, 'nodes'>, nodes: readonly NodeState[]) {
    const logger = options.logger ?? silentLogger;
    this.events = new EnvelopeEvents(logger);
    this.cmkState = state.cmk;
    this.failoverState = state.failover;
    this.snapshotList = [...state.snapshots];
    this.ownsPool = !options.pool;
    const makeContext = options.encryptionContext ?? ((ids: NodeIds) => ({ tenant: ids.tenant, cluster: ids.cluster, node: ids.node }));
    const events = this.events;
    this.ctx = {
      tenant: state.tenant,
      cluster: state.cluster,
      kms: options.kms,
      kmsFor: (node) => (node !== undefined ? options.kmsForNode?.(node) : undefined) ?? options.kms,
      router: new KmsRegionRouter(() => this.cmkState, () => this.failoverState),
      pool: options.pool ?? new RecordCipherPool({ logger }),
      events,
      logger,
      clock: options.clock ?? systemClock,
      ids: options.ids ?? randomIds,
      cacheLimits: options.cacheLimits ?? {},
      shutDownOnRevocation: options.shutDownOnRevocation ?? true,
      cmk: () => this.cmkState,
      encryptionContext: (node) => makeContext({ tenant: state.tenant, cluster: state.cluster, node }),
      async observe(node, operation, region, call) {
        const started = performance.now();
        try {
          const result = await call();
          events.emit('kms-call', { node, operation, region, ok: true, durationMs: performance.now() - started });
          return result;
        } catch (err) {
          const code = err instanceof KmsCallError ? err.code : 'Error';
          events.emit('kms-call', { node, operation, region, ok: false, code, durationMs: performance.now() - started });
          throw err;
        }
      },
    };
    for (const n of nodes) this.nodeMap.set(n.node, new EnvelopeNode(this.ctx, n));
  }

  /** Sets up a cluster on the tenant's CMK (DescribeKey tells whether it is multi-Region and where its replicas are). */
  static async create(options: CreateClusterOptions): Promise<EnvelopeCluster> {
    const cmk = await describeCmk(options.kms, options.cmk, options.region);
    const failover: FailoverConfig = { mode: options.failover?.mode ?? 'manual', regions: options.failover?.regions ?? [] };
    return new EnvelopeCluster(options, { format: 'keydrill.envelope/1', tenant: options.tenant, cluster: options.cluster, cmk, failover, snapshots: [] }, []);
  }

  /** Rebuilds a cluster from exported state; every node comes back stopped, to be started (KMS Decrypt). */
  static restore(state: unknown, options: EnvelopeOptions): EnvelopeCluster {
    const parsed = parseClusterState(state);
    return new EnvelopeCluster(options, parsed, parsed.nodes);
  }

  get tenant(): string {
    return this.ctx.tenant;
  }
  get cluster(): string {
    return this.ctx.cluster;
  }
  get cmk(): CmkState {
    return frozenCopy(this.cmkState);
  }
  get failover(): FailoverConfig {
    return frozenCopy(this.failoverState);
  }
  get pool(): RecordCipherPool {
    return this.ctx.pool;
  }

  node(id: string): EnvelopeNode {
    const node = this.nodeMap.get(id);
    if (!node) throw new EnvelopeError('NOT_FOUND', `Cluster ${this.cluster} has no node ${id}.`);
    return node;
  }

  nodes(): EnvelopeNode[] {
    return [...this.nodeMap.values()];
  }

  /** Provisions a node: a master key from GenerateDataKey under the CMK, kept wrapped; the node starts running. */
  async addNode(id: string, options: { region?: string } = {}): Promise<EnvelopeNode> {
    if (this.nodeMap.has(id)) throw new EnvelopeError('CONFLICT', `Cluster ${this.cluster} already has a node ${id}.`);
    const cmk = this.cmkState;
    const home = options.region ?? cmk.region;
    this.ctx.router.checkSwitch(cmk.keyArn, home);
    const context = this.ctx.encryptionContext(id);
    const { result, region } = await this.ctx.router.run(cmk.keyArn, home, (r, keyId) =>
      this.ctx.observe(id, 'GenerateDataKey', r, () => this.ctx.kmsFor(id).generateDataKey({ region: r, keyId, encryptionContext: context })),
    );
    const state: NodeState = {
      node: id,
      region,
      masterKey: { version: 1, ciphertextBlob: toBase64(result.ciphertextBlob), cmkArn: result.keyArn, keyMaterialId: result.keyMaterialId, encryptionContext: { ...context }, createdAt: this.ctx.clock.now() },
      databases: [],
    };
    const node = new EnvelopeNode(this.ctx, state, SecretKey.adopt(masterKeyName(id, 1), result.plaintext));
    this.nodeMap.set(id, node);
    this.events.emit('node-state', { node: id, status: 'running', previous: 'stopped', reason: 'provisioned' });
    return node;
  }

  /** Everything the core persists, frozen: wrapped keys, ids, versions, Regions; never plaintext. */
  exportState(): ClusterState {
    return frozenCopy({
      format: 'keydrill.envelope/1' as const,
      tenant: this.tenant,
      cluster: this.cluster,
      cmk: this.cmkState,
      failover: this.failoverState,
      nodes: this.nodes().map((n) => n.exportState()),
      snapshots: this.snapshotList,
    });
  }

  /** DescribeKey again: picks up new replicas and the current key material after a rotation. */
  async refreshCmk(): Promise<CmkState> {
    const current = this.cmkState;
    const { result } = await this.ctx.router.run(current.keyArn, current.region, (region, keyId) =>
      this.ctx.observe(undefined, 'DescribeKey', region, () => describeCmk(this.ctx.kms, keyId, region)),
    );
    this.cmkState = { ...result, keyArn: current.keyArn, region: current.region };
    return this.cmk;
  }

  /**
   * Manual failover (Atlas: "Reconfigure AWS KMS Region During an Outage"): the given nodes (all by
   * default) call KMS in `region` from now on. Only a multi-Region key with a replica there allows
   * it; a single-Region key is refused with FailoverRefusedError saying so.
   */
  async switchRegion(region: string, nodeIds?: readonly string[]): Promise<void> {
    const targets = nodeIds ? nodeIds.map((id) => this.node(id)) : this.nodes();
    if (this.cmkState.multiRegion && !this.cmkState.regions.includes(region)) await this.refreshCmk();
    for (const node of targets) this.ctx.router.checkSwitch(node.exportState().masterKey.cmkArn, region);
    for (const node of targets) node.switchRegion(region);
  }

  /** Automatic failover: when a node's Region is unreachable, try these Regions in order (default: every Region of the key). */
  setFailover(mode: FailoverConfig['mode'], regions: readonly string[] = []): void {
    this.failoverState = { mode, regions: [...regions] };
  }

  /** CMK replacement by a new key ARN; see cmk-rotation.ts. The new CMK becomes current once every node moved. */
  async replaceCmk(cmk: string, region: string = this.cmkState.region): Promise<CmkReplacementReport> {
    const to = await describeCmk(this.ctx.kms, cmk, region);
    if (sameKey(to.keyArn, this.cmkState)) throw new EnvelopeError('CONFLICT', `${to.keyArn} is already the CMK of cluster ${this.cluster}.`);
    const report = await replaceCmk(this.ctx, this.nodes(), this.snapshotList, this.cmkState, to);
    this.cmkState = to;
    return report;
  }

  /** Rolling master-key rotation across running nodes; see cmk-rotation.ts. */
  rotateMasterKeys(): Promise<RollingRotationReport> {
    return rotateMasterKeysRolling(this.nodes());
  }

  /** A snapshot of `records` of `database` on a running node, under a data key of the current CMK. */
  async takeSnapshot(nodeId: string, database: string, records: readonly SealedRecord[]): Promise<{ snapshot: SnapshotState; records: SealedRecord[] }> {
    const taken = await takeSnapshot(this.ctx, this.node(nodeId), database, records);
    this.snapshotList.push(taken.snapshot);
    return { snapshot: frozenCopy(taken.snapshot), records: taken.records };
  }

  /** The plaintexts of a snapshot's records; SnapshotUnrecoverableError says why KMS would not, and whether the data is lost. */
  restoreSnapshot(snapshotId: string, records: readonly SealedRecord[]): Promise<Uint8Array[]> {
    return restoreSnapshot(this.ctx, this.snapshot(snapshotId), records);
  }

  snapshot(id: string): SnapshotState {
    const found = this.snapshotList.find((s) => s.id === id);
    if (!found) throw new EnvelopeError('NOT_FOUND', `Cluster ${this.cluster} has no snapshot ${id}.`);
    return frozenCopy(found);
  }

  /** The stored state of a snapshot, not copied (snapshot states are never changed once taken): for views that read many. */
  snapshotView(id: string): Readonly<SnapshotState> | undefined {
    return this.snapshotList.find((s) => s.id === id);
  }

  snapshots(): SnapshotState[] {
    return frozenCopy(this.snapshotList);
  }

  /** Forgets a snapshot (backup retention deleted it); its CMK is then one dependency lighter. */
  deleteSnapshot(id: string): void {
    this.snapshot(id);
    this.snapshotList = this.snapshotList.filter((s) => s.id !== id);
  }

  /** Every wrapped key and the CMK and key material it needs. */
  dependencies(): KeyDependency[] {
    return [
      ...this.nodes().map((n) => {
        const m = n.exportState().masterKey;
        return { kind: 'master-key' as const, id: `${n.id}/master/v${m.version}`, node: n.id, cmkArn: m.cmkArn, keyMaterialId: m.keyMaterialId };
      }),
      ...this.snapshotList.map((s) => ({ kind: 'snapshot' as const, id: s.id, node: s.node, cmkArn: s.cmkArn, keyMaterialId: s.keyMaterialId })),
    ];
  }

  /** What still needs the CMK `key` (key id or ARN, any Region): it may be deleted only when this is empty. */
  dependentsOf(key: string): KeyDependency[] {
    const keyId = key.startsWith('arn:') ? keyIdOfArn(key) : key;
    return this.dependencies().filter((d) => keyIdOfArn(d.cmkArn) === keyId);
  }

  /** Shuts every node down (zeroing cached keys) and closes the pool if the cluster made it. */
  async close(): Promise<void> {
    for (const node of this.nodes()) node.shutdown('cluster closed');
    if (this.ownsPool) await this.ctx.pool.close();
  }
}

/** DescribeKey → what the cluster keeps about its CMK. */
async function describeCmk(kms: KmsPort, keyId: string, region: string): Promise<CmkState> {
  const d = await kms.describeKey({ region, keyId });
  const regions = d.multiRegion ? [...new Set([d.primaryRegion ?? regionOfArn(d.keyArn), ...d.replicaRegions])] : [regionOfArn(d.keyArn)];
  return { keyArn: d.keyArn, keyId: d.keyId, region: regionOfArn(d.keyArn), multiRegion: d.multiRegion, regions, currentKeyMaterialId: d.currentKeyMaterialId };
}
