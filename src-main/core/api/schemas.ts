import { z } from 'zod';
import type { CreateClusterInput, RemoveClusterInput, RenameClusterInput, SettingsPatch } from '../../contract.js';

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
