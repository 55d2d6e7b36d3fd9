import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../store/atomic-write.js';
import { SerialQueue } from '../util/serial-queue.js';
import { readJsonFile } from '../store/json-file.js';

export const REGISTRY_FILE_NAME = 'registry.json';

// No secret here: the CA's and server's private keys and the password live in the keychain
// and in swarm secrets. The CA certificate is public (every node has a copy).
const recordSchema = z.object({
  config: z.object({
    nodeId: z.string(),
    port: z.number(),
    publish: z.enum(['host', 'ingress']),
    image: z.string(),
    mode: z.enum(['tls', 'insecure']),
    address: z.string(),
    username: z.string().nullable(),
    acknowledgeInsecure: z.boolean(),
    network: z.string().nullable(),
  }),
  endpoint: z.string(),
  deployedAt: z.string(),
  verifiedAt: z.string().nullable(),
  caCertPem: z.string().nullable(),
  certificateExpires: z.string().nullable(),
  /** Hosts the CA was copied to. */
  caHosts: z.array(z.string()),
});
export type RegistryRecord = z.infer<typeof recordSchema>;

const fileSchema = z.object({ schemaVersion: z.literal(1), clusters: z.record(z.string(), recordSchema) });

/** The registry each cluster got from the app, in `<dataDir>/registry.json` (0600). */
export class RegistryStore {
  readonly path: string;
  private data: z.infer<typeof fileSchema> = { schemaVersion: 1, clusters: {} };
  private readonly writes = new SerialQueue();

  constructor(dataDir: string) {
    this.path = join(dataDir, REGISTRY_FILE_NAME);
  }

  async load(): Promise<void> {
    this.data = (await readJsonFile(this.path, fileSchema)) ?? this.data;
  }

  get(clusterId: string): RegistryRecord | null {
    return this.data.clusters[clusterId] ?? null;
  }

  put(clusterId: string, record: RegistryRecord): Promise<void> {
    return this.writes.run(async () => {
      const next = { ...this.data, clusters: { ...this.data.clusters, [clusterId]: recordSchema.parse(record) } };
      await writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`, 0o600);
      this.data = next;
    });
  }
}
