import Docker from 'dockerode';
import type { Client } from 'ssh2';
import { SshDockerAgent } from './tunnel-agent.js';

/**
 * dockerode over the SSH tunnel. Never dockerode's own `protocol: 'ssh'`: it
 * starts a new SSH session for every request and checks no host key.
 */
export function dockerOverSsh(client: Client): { docker: Docker; agent: SshDockerAgent } {
  const agent = new SshDockerAgent(client);
  // host/port are placeholders for the HTTP layer; the agent decides where bytes go.
  const docker = new Docker({ protocol: 'http', host: 'docker', port: 2375, agent } as Docker.DockerOptions);
  return { docker, agent };
}
