import { z } from 'zod';
import type {
  CreateClusterInput,
  EdgeConfig,
  EdgeProxyStackInput,
  RegistryConfig,
  RemoveClusterInput,
  RenameClusterInput,
  SettingsPatch,
  SwarmPlan,
} from '../../contract.js';

// Hostnames per RFC 1123 labels, IPv4, or a bracketed IPv6; an ssh_config alias is a
// hostname-shaped word too. No spaces, no shell metacharacters: these end up in ssh commands.
const hostLabel = '[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?';
const hostname = `${hostLabel}(?:\\.${hostLabel})*\\.?`;
const ipv6 = '\\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9]+)?\\]';
const user = '[a-z_][a-z0-9_.-]{0,31}';
const HOST_REF = new RegExp(`^(?:${user}@)?(?:${hostname}|${ipv6})(?::(\\d{1,5}))?$`);

/**
 * Validation failures are reported as issue codes (the messages below), which the
 * renderer words in the operator's language; see IssueCode in the contract.
 */
export const hostRefSchema = z
  .string()
  .trim()
  .min(1, 'HOST_EMPTY')
  .max(255, 'HOST_TOO_LONG')
  .regex(HOST_REF, 'HOST_INVALID')
  .refine((ref) => {
    const port = HOST_REF.exec(ref)?.[1];
    return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
  }, 'PORT_OUT_OF_RANGE');

const clusterName = z.string().trim().min(1, 'NAME_EMPTY').max(64, 'NAME_TOO_LONG');
const clusterId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'ID_INVALID');

export const createClusterSchema = z.strictObject({
  name: clusterName,
  hosts: z
    .array(hostRefSchema)
    .max(1000)
    .refine((hosts) => new Set(hosts).size === hosts.length, 'HOST_DUPLICATE')
    .optional(),
  notes: z.string().max(10_000, 'NOTES_TOO_LONG').optional(),
}) satisfies z.ZodType<CreateClusterInput>;

export const renameClusterSchema = z.strictObject({ id: clusterId, name: clusterName }) satisfies z.ZodType<RenameClusterInput>;

export const removeClusterSchema = z.strictObject({ id: clusterId }) satisfies z.ZodType<RemoveClusterInput>;

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const localeSettingSchema = z.enum(['system', 'en', 'es']);

export const settingsPatchSchema = z.strictObject({
  theme: themeSchema.optional(),
  locale: localeSettingSchema.optional(),
}) satisfies z.ZodType<SettingsPatch>;

/** Methods that take no argument accept `undefined` (and nothing else). */
export const noInputSchema = z.undefined({ error: 'NO_ARGUMENT_EXPECTED' });

// Hosts. Anything that reaches an ssh argument list is refused when it could be
// read as an option (a leading dash) or carries whitespace or control characters.
const safeWord = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const idSchema = z.string().regex(/^[a-z0-9-]{1,64}$/, 'ID_INVALID');
const aliasSchema = z.string().trim().min(1, 'ALIAS_INVALID').max(64, 'ALIAS_INVALID').regex(safeWord, 'ALIAS_INVALID');
const addressSchema = z
  .string()
  .trim()
  .max(253, 'ADDRESS_INVALID')
  .regex(new RegExp(`^(?:${hostname}|[0-9A-Fa-f:.]+(?:%[A-Za-z0-9]+)?)$`), 'ADDRESS_INVALID');
const portSchema = z
  .number({ error: 'PORT_OUT_OF_RANGE' })
  .int('PORT_OUT_OF_RANGE')
  .min(1, 'PORT_OUT_OF_RANGE')
  .max(65535, 'PORT_OUT_OF_RANGE');
const userSchema = z.string().trim().min(1, 'USER_INVALID').max(64, 'USER_INVALID').regex(safeWord, 'USER_INVALID');
const keyPathSchema = z
  .string()
  .trim()
  .max(4096, 'KEY_PATH_INVALID')
  // eslint-disable-next-line no-control-regex
  .regex(/^(?:\/|~\/|[A-Za-z]:\\)[^\u0000-\u001f]*$/, 'KEY_PATH_INVALID');

export const hostInputSchema = z
  .strictObject({
    id: idSchema.optional(),
    alias: aliasSchema,
    address: addressSchema,
    port: portSchema,
    user: userSchema,
    auth: z
      .array(z.enum(['agent', 'key', 'password']))
      .min(1, 'AUTH_EMPTY')
      .refine((list) => new Set(list).size === list.length, 'AUTH_DUPLICATE'),
    identityFile: keyPathSchema.nullable(),
    jump: z.array(aliasSchema).max(8),
    tags: z.array(z.string().trim().min(1, 'TAG_INVALID').max(32, 'TAG_INVALID').regex(safeWord, 'TAG_INVALID')).max(32),
  })
  .refine((host) => !host.jump.includes(host.alias), { message: 'JUMP_SELF', path: ['jump'] });

export const byIdSchema = z.strictObject({ id: idSchema });
export const importSshConfigSchema = z.strictObject({ aliases: z.array(aliasSchema).min(1).max(1000) });
const promptIdSchema = z.string().regex(/^[a-f0-9-]{8,64}$/, 'ID_INVALID');
export const answerHostKeySchema = z.strictObject({ promptId: promptIdSchema, accept: z.boolean() });
export const answerSecretSchema = z.strictObject({
  promptId: promptIdSchema,
  secret: z.string().max(4096).nullable(),
  remember: z.boolean(),
});

export const importPlanSchema = z.strictObject({ yaml: z.string().max(1_000_000) });
export const hostFactsSchema = z.strictObject({ hosts: z.array(aliasSchema).min(1).max(1000) });
const runIdSchema = z.string().regex(/^[a-f0-9-]{8,64}$/, 'ID_INVALID');
export const runIdInputSchema = z.strictObject({ runId: runIdSchema });
export const discoverSchema = z.strictObject({ via: aliasSchema });
export const adoptSchema = z.strictObject({
  name: clusterName,
  via: aliasSchema,
  mapping: z.record(z.string().regex(/^[a-z0-9]{1,64}$/, 'ID_INVALID'), aliasSchema),
});
export const activityListSchema = z.strictObject({ cluster: z.string().max(64).optional() });

// Day two.
const dockerId = z.string().regex(/^[a-z0-9]{1,64}$/, 'ID_INVALID');
const clusterRef = { clusterId: clusterId };
export const clusterOnlySchema = z.strictObject(clusterRef);
export const availabilitySchema = z.strictObject({ ...clusterRef, nodeId: dockerId, availability: z.enum(['active', 'pause', 'drain']) });
export const roleSchema = z.strictObject({ ...clusterRef, nodeId: dockerId, role: z.enum(['manager', 'worker']), override: z.boolean() });
const labelKey = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'INVALID_VALUE');
export const labelsSchema = z.strictObject({ ...clusterRef, nodeId: dockerId, labels: z.record(labelKey, z.string().max(4096)) });
export const serviceRefSchema = z.strictObject({ ...clusterRef, serviceId: dockerId });
export const scaleSchema = z.strictObject({ ...clusterRef, serviceId: dockerId, replicas: z.number().int().min(0).max(10_000) });
export const logsSchema = z.strictObject({
  ...clusterRef,
  serviceId: dockerId,
  follow: z.boolean(),
  tail: z.number().int().min(0).max(100_000),
});
export const streamIdSchema = z.strictObject({ streamId: runIdSchema });
export const rotateSchema = z.strictObject({ ...clusterRef, what: z.enum(['workerToken', 'managerToken', 'unlockKey', 'ca']) });
const termSize = z.number().int().min(1).max(1000);
export const execOpenSchema = z.strictObject({ ...clusterRef, taskId: dockerId, cols: termSize, rows: termSize });
export const execInputSchema = z.strictObject({ sessionId: runIdSchema, data: z.string().max(65_536) });
export const execResizeSchema = z.strictObject({ sessionId: runIdSchema, cols: termSize, rows: termSize });
export const execCloseSchema = z.strictObject({ sessionId: runIdSchema });
export const nodeRemoveSchema = z.strictObject({ ...clusterRef, nodeId: dockerId, override: z.boolean() });

// Service create: sizes bounded so one call cannot hand the core a huge spec.
const imageRef = z
  .string()
  .trim()
  .min(1, 'INVALID_VALUE')
  .max(512)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/, 'INVALID_VALUE');
const serviceName = z
  .string()
  .trim()
  .min(1, 'NAME_EMPTY')
  .max(63, 'NAME_TOO_LONG')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'INVALID_VALUE');
const updatePolicy = z.strictObject({
  parallelism: z.number().int().min(0).max(10_000),
  delaySeconds: z.number().min(0).max(86_400),
  failureAction: z.enum(['pause', 'continue', 'rollback']),
  order: z.enum(['stop-first', 'start-first']),
});
const port = z.number().int().min(1).max(65_535);
export const serviceCreateSchema = z.strictObject({
  ...clusterRef,
  name: serviceName,
  image: imageRef,
  mode: z.enum(['replicated', 'global']),
  replicas: z.number().int().min(0).max(10_000),
  args: z.array(z.string().max(4096)).max(256),
  ports: z
    .array(
      z.strictObject({
        target: port,
        published: port.nullable(),
        protocol: z.enum(['tcp', 'udp']),
        mode: z.enum(['ingress', 'host']),
      }),
    )
    .max(256),
  networks: z.array(z.string().trim().min(1).max(128)).max(64),
  env: z
    .array(
      z
        .string()
        .max(32_768)
        .regex(/^[^=\s][^=]*=/s, 'INVALID_VALUE'),
    )
    .max(1024),
  mounts: z
    .array(
      z.strictObject({
        type: z.enum(['volume', 'bind', 'tmpfs']),
        source: z.string().max(4096),
        target: z.string().min(1).max(4096).regex(/^\//, 'INVALID_VALUE'),
        readOnly: z.boolean(),
      }),
    )
    .max(256),
  constraints: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .max(512)
        .regex(/(==|!=)/, 'INVALID_VALUE'),
    )
    .max(64),
  update: updatePolicy,
  rollback: updatePolicy,
});
export const updateImageSchema = z.strictObject({ ...clusterRef, serviceId: dockerId, image: imageRef });

// Stacks: Docker's stack names are service-name shaped, and prefix everything they make.
const stackName = z
  .string()
  .trim()
  .min(1, 'NAME_EMPTY')
  .max(63, 'NAME_TOO_LONG')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, 'INVALID_VALUE');
export const stackRefSchema = z.strictObject({ ...clusterRef, name: stackName });
export const stackComposeSchema = z.strictObject({ ...clusterRef, name: stackName, compose: z.string().max(1_000_000) });

// Secrets and configs: Docker caps both at 500 KiB.
const objectName = z
  .string()
  .trim()
  .min(1, 'NAME_EMPTY')
  .max(64, 'NAME_TOO_LONG')
  .regex(/^[a-zA-Z0-9]+(?:[a-zA-Z0-9_.-]*[a-zA-Z0-9])?$/, 'INVALID_VALUE');
export const swarmObjectCreateSchema = z.strictObject({
  ...clusterRef,
  name: objectName,
  value: z
    .string()
    .min(1, 'INVALID_VALUE')
    .max(500 * 1024),
  labels: z.record(labelKey, z.string().max(4096)),
});
export const swarmObjectRefSchema = z.strictObject({ ...clusterRef, id: dockerId });

// Edge target list. The name lands in nginx/HAProxy syntax: a plain word. Paths are absolute and
// name a file (no trailing slash); the reload command is an argument list, so nothing in it is
// read by a shell unless the operator writes `sh -c` themselves.
// eslint-disable-next-line no-control-regex
const noControl = /^[^\u0000-\u001f\u007f]*$/;
const edgeFilePath = (start: RegExp) =>
  z
    .string()
    .max(4096, 'INVALID_VALUE')
    .regex(start, 'INVALID_VALUE')
    .regex(noControl, 'INVALID_VALUE')
    .refine((p) => !/[/\\]$/.test(p), 'INVALID_VALUE');
const edgeConfigSchema = z.strictObject({
  port,
  label: z.strictObject({ key: labelKey, value: z.string().max(4096).nullable() }).nullable(),
  format: z.enum(['plain', 'nginx', 'haproxy', 'json']),
  name: z
    .string()
    .trim()
    .min(1, 'NAME_EMPTY')
    .max(64, 'NAME_TOO_LONG')
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'INVALID_VALUE'),
  output: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('file'), path: edgeFilePath(/^(?:\/|[A-Za-z]:\\)/) }),
    z.strictObject({
      kind: z.literal('ssh'),
      host: aliasSchema,
      path: edgeFilePath(/^\//),
      reload: z.array(z.string().min(1, 'INVALID_VALUE').max(1024).regex(noControl, 'INVALID_VALUE')).min(1).max(32).nullable(),
      sudo: z.boolean(),
    }),
  ]),
}) satisfies z.ZodType<EdgeConfig>;
export const edgeConfigureSchema = z.strictObject({ ...clusterRef, config: edgeConfigSchema });
/** Without a config: the saved one; with one: what it would give, nothing saved. */
export const edgePreviewSchema = z.strictObject({ ...clusterRef, config: edgeConfigSchema.optional() });

// The proxy stack template: every value lands in a compose file (the image is quoted there).
const composeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'INVALID_VALUE');
export const edgeProxyStackSchema = z.strictObject({
  image: imageRef,
  label: z.strictObject({ key: labelKey, value: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'INVALID_VALUE') }),
  ports: z
    .array(z.strictObject({ published: portSchema, target: portSchema }))
    .min(1)
    .max(16)
    .refine((ports) => new Set(ports.map((p) => p.published)).size === ports.length, 'INVALID_VALUE'),
  network: composeName,
}) satisfies z.ZodType<EdgeProxyStackInput>;

// Node pools: the name becomes an engine label value and a shell word in the script.
const nodePool = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'INVALID_VALUE'),
  role: z.enum(['manager', 'worker']),
  labels: z.record(labelKey, z.string().max(4096)),
  targetSize: z.number().int().min(0).max(1000).nullable(),
});
const localFilePath = edgeFilePath(/^(?:\/|[A-Za-z]:\\)/);
export const poolWriteSchema = z.strictObject({ ...clusterRef, pool: nodePool, path: localFilePath });

// Backups. The passphrase is a secret: bounded, never echoed in an issue message.
const backupId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'ID_INVALID');
const passphrase = z.string().min(8, 'INVALID_VALUE').max(1024, 'INVALID_VALUE');
export const backupCheckSchema = z.strictObject({ ...clusterRef, nodeId: dockerId.optional() });
export const backupRunSchema = z.strictObject({
  ...clusterRef,
  nodeId: dockerId.optional(),
  acknowledgeSingleManager: z.boolean(),
  encryption: z.enum(['keychain', 'passphrase']),
  passphrase: passphrase.optional(),
});
const backupSchedule = z.strictObject({
  everyHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .nullable(),
  keep: z.number().int().min(1).max(1000),
});
export const backupConfigureSchema = z.strictObject({ ...clusterRef, schedule: backupSchedule });
export const backupRefSchema = z.strictObject({ ...clusterRef, backupId });
export const restoreCheckSchema = z.strictObject({ ...clusterRef, backupId, host: aliasSchema, passphrase: passphrase.optional() });
export const restoreRunSchema = z.strictObject({
  ...clusterRef,
  backupId,
  host: aliasSchema,
  passphrase: passphrase.optional(),
  managers: z.array(aliasSchema).max(6),
  confirm: z.string().max(64),
});

// Private registry: the address and image end up in daemon.json, certificate SANs and a service spec.
export const registryConfigSchema = z.strictObject({
  nodeId: dockerId,
  port: portSchema,
  publish: z.enum(['host', 'ingress']),
  image: imageRef,
  mode: z.enum(['tls', 'insecure']),
  address: addressSchema,
  username: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'USER_INVALID')
    .nullable(),
  acknowledgeInsecure: z.boolean(),
  network: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'INVALID_VALUE')
    .nullable(),
}) satisfies z.ZodType<RegistryConfig>;
const registryPassword = z.string().min(8, 'INVALID_VALUE').max(1024, 'INVALID_VALUE');
export const registryPlanSchema = z.strictObject({ ...clusterRef, config: registryConfigSchema });
export const registryDeploySchema = z.strictObject({
  ...clusterRef,
  config: registryConfigSchema,
  password: registryPassword.optional(),
});

// Swarm setup. The plan's shape is checked here; what it means (quorum, overlaps) is
// judged by the plan validation, which reports findings rather than refusing the call.
const planHostSchema = z.strictObject({
  host: aliasSchema,
  role: z.enum(['manager', 'worker']),
  advertiseAddress: z
    .string()
    .trim()
    .max(64, 'ADDRESS_INVALID')
    .regex(/^[0-9A-Fa-f:.]+$/, 'ADDRESS_INVALID')
    .nullable(),
});
const planNetworkSchema = z.strictObject({
  name: z.string().trim().max(128, 'NAME_TOO_LONG'),
  subnet: z.string().trim().max(64),
  encrypted: z.boolean(),
  attachable: z.boolean(),
});
export const swarmPlanSchema = z.strictObject({
  // An empty name passes the shape check: the plan validation reports it (NAME_EMPTY) beside the field.
  name: z.string().trim().max(64, 'NAME_TOO_LONG'),
  hosts: z.array(planHostSchema).max(1000),
  addressPool: z
    .strictObject({
      subnets: z.array(z.string().trim().max(64)).min(1).max(32),
      subnetSize: z.number().int(),
    })
    .nullable(),
  dedicatedManagers: z.boolean(),
  autolock: z.boolean(),
  networks: z.array(planNetworkSchema).max(64),
  extras: z
    .strictObject({
      registry: z
        .strictObject({
          ...registryConfigSchema.omit({ nodeId: true, address: true }).shape,
          host: aliasSchema,
          address: addressSchema.nullable(),
        })
        .nullable(),
      backups: z.strictObject({ ...backupSchedule.shape, firstNow: z.boolean() }).nullable(),
      edge: edgeConfigSchema.nullable(),
      pools: z
        .array(z.strictObject({ ...nodePool.shape, path: localFilePath }))
        .max(2)
        .optional(),
    })
    .optional(),
}) satisfies z.ZodType<SwarmPlan>;
export const validatePlanSchema = z.strictObject({ plan: swarmPlanSchema, acknowledgeEvenManagers: z.boolean() });
export const setupRunSchema = z.strictObject({
  plan: swarmPlanSchema,
  acknowledgeEvenManagers: z.boolean(),
  registryPassword: registryPassword.optional(),
});
export const planOnlySchema = z.strictObject({ plan: swarmPlanSchema });
