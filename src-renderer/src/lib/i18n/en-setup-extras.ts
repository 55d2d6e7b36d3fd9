// The wizard's "Production" step: the private registry, routine backups and the edge target list as
// optional parts of the plan. Fields the cluster tabs share keep their words there (registry.form,
// backups.schedule, edge.edge); these are the step's own. Merged into en-setup.ts.

export const enSetupExtras = {
  heading: 'Add production services',
  intro:
    'Each of these runs after the swarm is built and checked. All are optional: leave them off to build only the swarm. Each can also be set up later from the cluster’s tabs.',
  skip: 'Nothing here is required. Press Next to skip.',
  registry: {
    toggle: 'Private registry',
    what: 'An image registry running in the swarm, so that every node pulls your images from inside it instead of a public registry.',
    host: 'Host',
    hostHelp: 'Its storage, a named volume, lives on this host: the registry runs there.',
    address: 'Address (optional)',
    addressHelp: 'The IP or name every node pulls from. Empty: the address this host advertises to the swarm.',
    username: 'Username (optional)',
    usernameHelp: 'Set one to require a login to push and pull. Empty: no login.',
    password: 'Password',
    passwordHelp: 'Kept in the keychain, not in the plan file. It is sent once, when the build starts, and not kept here.',
    passwordShort: 'At least 8 characters.',
    loginHidden: 'No login without TLS: Docker sends no password over plain HTTP.',
  },
  backups: {
    toggle: 'Routine backups',
    what: 'A copy of the swarm state (services, networks, secrets, configs) every few hours, encrypted with a key kept in the keychain and stored on this computer. They run while Swarmdeck is open.',
    when: 'When',
    firstNow: 'Take the first backup at the end of the build',
    firstNowHelp: 'Docker stops for a moment on one manager that is not the leader, while the others keep the swarm running.',
  },
  edge: {
    toggle: 'Edge target list',
    what: 'A file listing the nodes that should receive traffic, for your load balancer or reverse proxy (nginx, HAProxy), kept current as nodes come and go.',
    noHosts: 'No saved hosts yet: add the proxy host in Hosts first.',
  },
  pools: {
    toggle: 'Node pool scripts',
    what: 'A first-boot (cloud-init user-data) script for each autoscaling group: a new machine waits for Docker, joins the swarm with the right role, and gets the pool’s labels.',
    secret:
      'Each script holds a join token, which lets any machine join the swarm: keep the file like a password. It is written readable by you only.',
    managers: 'Manager pool',
    workers: 'Worker pool',
    name: 'Pool name',
    size: 'Group size (optional)',
    sizeHelp: 'The autoscaling group’s desired size, to compare with the nodes that joined.',
    labels: 'Labels (optional)',
    labelsHelp: 'One key=value a line; given to each node of the pool when it joins.',
    path: 'Script file',
    pathHelp: 'A path on this computer, e.g. /home/you/workers.user-data.',
  },
  words: {
    every: { one: 'every hour', other: 'every {count} hours' },
    byHand: 'by hand only',
    modeTls: 'TLS',
    modeInsecure: 'no TLS',
    publishHost: 'on its host only',
    publishIngress: 'on every node',
  },
  review: {
    registry: 'Private registry on {host} ({mode})',
    backups: 'Backups {every}, keeping the newest {keep}',
    edge: 'Edge target list to {output}',
    pool: 'First-boot script of the {pool} pool to {path}',
  },
  blocked: 'Fill in what is marked above, or turn that part off, to continue.',
  blockedEmpty: 'Fill in the parts you turned on, or turn them off, to continue.',
  blockedPassword: 'Type the registry password (at least 8 characters), or clear the username, to continue.',
} as const;
