import type {
  Contract,
  EdgeConfig,
  EdgeProxyStackInput,
  EdgeState,
  EdgeTarget,
  HostRecord,
  NodePoolInput,
  PoolScriptInfo,
  TopologySnapshot,
} from '../../../../../src-main/contract.js';

/** What the edge & pools panel asks of the core for one cluster; tests hand it a fake. */
export interface EdgePoolsSource {
  edgeState(): Promise<EdgeState>;
  configure(config: EdgeConfig): Promise<EdgeState>;
  /** What the saved config gives now; writes nothing. */
  preview(config: EdgeConfig): Promise<{ text: string; targets: EdgeTarget[] }>;
  disable(): Promise<EdgeState>;
  /** The in-swarm proxy's compose file, made by the core; changes nothing. */
  proxyStack(input: EdgeProxyStackInput): Promise<{ compose: string }>;
  /** The proxy hosts to choose from. */
  hosts(): Promise<HostRecord[]>;
  pools(): Promise<PoolScriptInfo[]>;
  writeUserData(pool: NodePoolInput, path: string): Promise<PoolScriptInfo>;
  /** One read of the live model (running tasks and managers for the removal dialog), released at once. */
  snapshot(): Promise<TopologySnapshot>;
}

export function contractEdgePools(clusterId: string, api: Pick<Contract, 'edge' | 'pools' | 'hosts' | 'topology'>): EdgePoolsSource {
  return {
    edgeState: () => api.edge.get({ clusterId }),
    configure: (config) => api.edge.configure({ clusterId, config }),
    preview: (config) => api.edge.preview({ clusterId, config }),
    disable: () => api.edge.disable({ clusterId }),
    proxyStack: (input) => api.edge.proxyStack(input),
    hosts: () => api.hosts.list(),
    pools: () => api.pools.status({ clusterId }),
    writeUserData: (pool, path) => api.pools.writeUserData({ clusterId, pool, path }),
    snapshot: async () => {
      const snapshot = await api.topology.watch({ clusterId });
      void api.topology.unwatch({ clusterId }).catch(() => undefined);
      return snapshot;
    },
  };
}
