import type { EdgeProxyStackInput } from '../../contract.js';

/**
 * A compose file for a reverse proxy inside the swarm: global mode on the nodes that carry the
 * edge label, ports published in host mode. Host mode because the proxy is the edge: it must see
 * the client's address, and it must not depend on the routing mesh it fronts for. The proxy's
 * own configuration is the operator's (a config object, or baked into their image), so the
 * template leaves a commented place for it rather than guessing a product.
 */
export function proxyStackCompose(input: EdgeProxyStackInput): string {
  const ports = input.ports
    .map((p) =>
      [`      - target: ${p.target}`, `        published: ${p.published}`, '        protocol: tcp', '        mode: host'].join('\n'),
    )
    .join('\n');
  return [
    `# Swarmdeck: a reverse proxy on every node labelled ${input.label.key}=${input.label.value}, one task per node.`,
    `# Label the nodes that should take traffic: docker node update --label-add ${input.label.key}=${input.label.value} <node>.`,
    '# Its configuration is yours: add it as a config (see the commented lines) or build it into the image.',
    'version: "3.8"',
    'services:',
    '  proxy:',
    `    image: ${quote(input.image)}`,
    '    ports:',
    ports,
    '    networks:',
    `      - ${input.network}`,
    '    # configs:',
    '    #   - source: proxy_conf',
    '    #     target: /etc/proxy/proxy.conf',
    '    deploy:',
    '      mode: global',
    '      placement:',
    '        constraints:',
    `          - ${quote(`node.labels.${input.label.key} == ${input.label.value}`)}`,
    '      update_config:',
    '        parallelism: 1',
    '        delay: 10s',
    '        failure_action: rollback',
    '        order: stop-first',
    '      restart_policy:',
    '        condition: any',
    '        delay: 5s',
    'networks:',
    `  ${input.network}:`,
    '    driver: overlay',
    '    attachable: true',
    '# configs:',
    '#   proxy_conf:',
    '#     file: ./proxy.conf',
    '',
  ].join('\n');
}

// JSON strings are valid YAML double-quoted scalars: the safe way to write any text as one.
function quote(text: string): string {
  return JSON.stringify(text);
}
