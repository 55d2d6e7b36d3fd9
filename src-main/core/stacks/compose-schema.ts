import { z } from 'zod';

// The compose v3 keys (and the version-less Compose Spec's) that a stack deploy honours on
// Docker 20.10. Keys a stack deploy ignores are taken out before this schema runs (see
// compose-keys.ts), so whatever is left and unknown here is a mistake in the file.

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const SIZE = /^\d+(\.\d+)?\s*([bkmgt]i?b?)?$/i;

const text = z.string();
const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const duration = z.string().regex(DURATION, 'not a duration like 10s, 1m30s or 500ms');
const size = z.union([z.number().nonnegative(), z.string().regex(SIZE, 'not a size like 128M or 1G')]);
/** `["A=1"]` or `{ A: 1 }`: environment, labels, sysctls, extra_hosts. */
const listOrMap = z.union([z.array(text), z.record(z.string(), z.union([scalar, z.null()]))]);
const stringOrList = z.union([text, z.array(text)]);
const fileMode = z.number().int().min(0).max(0o777);
const idText = z.union([z.string(), z.number().int().nonnegative()]);

const longPort = z.strictObject({
  target: z.number().int().min(1).max(65535),
  published: z.union([z.number().int().min(1).max(65535), z.string().regex(/^\d+$/)]).optional(),
  protocol: z.enum(['tcp', 'udp', 'sctp']).optional(),
  mode: z.enum(['ingress', 'host']).optional(),
});

const longVolume = z.strictObject({
  type: z.enum(['volume', 'bind', 'tmpfs']),
  source: text.optional(),
  target: text.min(1),
  read_only: z.boolean().optional(),
  consistency: text.optional(),
  bind: z.strictObject({ propagation: z.enum(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']) }).optional(),
  volume: z.strictObject({ nocopy: z.boolean().optional() }).optional(),
  tmpfs: z.strictObject({ size: size.optional() }).optional(),
});

const fileReference = z.strictObject({
  source: text.min(1),
  target: text.optional(),
  uid: idText.optional(),
  gid: idText.optional(),
  mode: fileMode.optional(),
});

const resources = z.strictObject({
  cpus: z.union([z.string().regex(/^\d+(\.\d+)?$/, 'not a number of CPUs like 0.5'), z.number().nonnegative()]).optional(),
  memory: size.optional(),
});

const updateConfig = z.strictObject({
  parallelism: z.number().int().nonnegative().optional(),
  delay: duration.optional(),
  failure_action: z.enum(['continue', 'pause', 'rollback']).optional(),
  monitor: duration.optional(),
  max_failure_ratio: z.number().min(0).max(1).optional(),
  order: z.enum(['stop-first', 'start-first']).optional(),
});

const deploy = z.strictObject({
  mode: z.enum(['replicated', 'global']).optional(),
  replicas: z.number().int().nonnegative().optional(),
  endpoint_mode: z.enum(['vip', 'dnsrr']).optional(),
  labels: listOrMap.optional(),
  placement: z
    .strictObject({
      constraints: z.array(text).optional(),
      preferences: z.array(z.strictObject({ spread: text.min(1) })).optional(),
      max_replicas_per_node: z.number().int().nonnegative().optional(),
    })
    .optional(),
  resources: z
    .strictObject({
      limits: resources.optional(),
      reservations: resources
        .extend({
          generic_resources: z
            .array(z.strictObject({ discrete_resource_spec: z.strictObject({ kind: text.min(1), value: z.number().int() }) }))
            .optional(),
        })
        .optional(),
    })
    .optional(),
  restart_policy: z
    .strictObject({
      condition: z.enum(['none', 'on-failure', 'any']).optional(),
      delay: duration.optional(),
      max_attempts: z.number().int().nonnegative().optional(),
      window: duration.optional(),
    })
    .optional(),
  update_config: updateConfig.optional(),
  rollback_config: updateConfig.optional(),
});

const healthcheck = z.strictObject({
  test: stringOrList.optional(),
  interval: duration.optional(),
  timeout: duration.optional(),
  retries: z.number().int().nonnegative().optional(),
  start_period: duration.optional(),
  disable: z.boolean().optional(),
});

export const serviceSchema = z.strictObject({
  image: z.string({ error: 'image is required: a stack runs images, it cannot build them' }).min(1),
  command: stringOrList.optional(),
  entrypoint: stringOrList.optional(),
  environment: listOrMap.optional(),
  ports: z.array(z.union([z.string(), z.number().int(), longPort])).optional(),
  networks: z
    .union([
      z.array(text),
      z.record(
        z.string(),
        z.union([
          z.null(),
          z.strictObject({ aliases: z.array(text).optional(), ipv4_address: text.optional(), ipv6_address: text.optional() }),
        ]),
      ),
    ])
    .optional(),
  volumes: z.array(z.union([z.string(), longVolume])).optional(),
  secrets: z.array(z.union([z.string(), fileReference])).optional(),
  configs: z.array(z.union([z.string(), fileReference])).optional(),
  deploy: deploy.optional(),
  labels: listOrMap.optional(),
  healthcheck: healthcheck.optional(),
  hostname: text.optional(),
  user: idText.optional(),
  working_dir: text.optional(),
  stop_grace_period: duration.optional(),
  stop_signal: text.optional(),
  init: z.boolean().optional(),
  read_only: z.boolean().optional(),
  tty: z.boolean().optional(),
  stdin_open: z.boolean().optional(),
  extra_hosts: listOrMap.optional(),
  dns: stringOrList.optional(),
  dns_search: stringOrList.optional(),
  dns_opt: z.array(text).optional(),
  logging: z.strictObject({ driver: text.optional(), options: z.record(z.string(), z.union([scalar, z.null()])).optional() }).optional(),
  cap_add: z.array(text).optional(),
  cap_drop: z.array(text).optional(),
  sysctls: listOrMap.optional(),
  isolation: text.optional(),
});

const external = z.union([z.boolean(), z.strictObject({ name: text.min(1) })]).optional();
const driverOptions = z.record(z.string(), scalar).optional();

const networkSchema = z.union([
  z.null(),
  z.strictObject({
    name: text.min(1).optional(),
    driver: text.optional(),
    driver_opts: driverOptions,
    attachable: z.boolean().optional(),
    internal: z.boolean().optional(),
    enable_ipv6: z.boolean().optional(),
    labels: listOrMap.optional(),
    external,
    ipam: z
      .strictObject({
        driver: text.optional(),
        config: z
          .array(
            z.strictObject({
              subnet: text.optional(),
              ip_range: text.optional(),
              gateway: text.optional(),
              aux_addresses: z.record(z.string(), text).optional(),
            }),
          )
          .optional(),
        options: z.record(z.string(), text).optional(),
      })
      .optional(),
  }),
]);

const volumeSchema = z.union([
  z.null(),
  z.strictObject({
    name: text.min(1).optional(),
    driver: text.optional(),
    driver_opts: driverOptions,
    labels: listOrMap.optional(),
    external,
  }),
]);

const secretSchema = z.strictObject({ name: text.min(1).optional(), labels: listOrMap.optional(), external });
const configSchema = secretSchema.extend({ content: text.optional() });

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const named = <T extends z.ZodType>(schema: T) => z.record(z.string().regex(NAME, 'not a valid name'), schema).optional();

export const composeSchema = z.strictObject({
  version: z
    .union([z.string(), z.number()])
    .refine((v) => /^3(\.\d+)?$/.test(String(v)), 'a stack needs a version 3 file (3, 3.8…) or none')
    .optional(),
  services: z.record(z.string().regex(NAME, 'not a valid service name'), serviceSchema),
  networks: named(networkSchema),
  volumes: named(volumeSchema),
  secrets: named(secretSchema),
  configs: named(configSchema),
});

export type ComposeFile = z.infer<typeof composeSchema>;
export type ComposeService = z.infer<typeof serviceSchema>;
export type ComposeNetwork = NonNullable<z.infer<typeof networkSchema>>;
export type ComposeVolume = NonNullable<z.infer<typeof volumeSchema>>;
export type ComposeConfig = z.infer<typeof configSchema>;
