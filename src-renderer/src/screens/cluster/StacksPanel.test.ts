import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StackCheck, StackDeployResult, StackSummary } from '../../../../src-main/contract.js';
import { ApiError } from '../../lib/api.js';
import StacksPanel from './StacksPanel.svelte';
import type { StackSource } from './stacks/stack-source.js';

// The panel given the core's answers as a source: what it shows and asks for each. The rules
// (parsing, naming, what Docker does) are the core's, tested there and against a lab swarm.
afterEach(() => cleanup());

const shop: StackSummary = {
  name: 'shop',
  services: ['shop_web', 'shop_worker'],
  networks: ['shop_back'],
  secrets: [],
  configs: ['shop_app'],
};

const checked: StackCheck = {
  name: 'blog',
  findings: [
    {
      severity: 'unsupported',
      path: 'services.web.depends_on',
      code: 'COMPOSE_UNSUPPORTED',
      message: 'line 5: depends_on: swarm starts services in no set order',
    },
  ],
  services: [
    { name: 'blog_web', exists: false },
    { name: 'blog_db', exists: true },
  ],
  networks: [{ name: 'blog_default', exists: false, external: false }],
  volumes: ['blog_data'],
  secrets: [{ name: 'db_password', exists: true, external: true }],
  configs: [],
  deployable: true,
};

function source(overrides: Partial<StackSource> = {}): StackSource & { [K in keyof StackSource]: ReturnType<typeof vi.fn> } {
  return {
    list: vi.fn(() => Promise.resolve([shop])),
    check: vi.fn(() => Promise.resolve(checked)),
    deploy: vi.fn(() =>
      Promise.resolve<StackDeployResult>({ created: ['blog_default', 'blog_web'], updated: ['blog_db'], unsupported: checked.findings }),
    ),
    remove: vi.fn(() => Promise.resolve({ removed: ['shop_web', 'shop_worker', 'shop_back', 'shop_app'] })),
    ...overrides,
  } as never;
}

async function fillForm(name: string, compose: string): Promise<void> {
  await fireEvent.input(screen.getByRole('textbox', { name: 'Stack name' }), { target: { value: name } });
  await fireEvent.input(screen.getByRole('textbox', { name: 'Compose file' }), { target: { value: compose } });
}

describe('the stacks panel', () => {
  it('lists the stacks with their counts', async () => {
    render(StacksPanel, { clusterId: 'c1', source: source() });
    const row = (await screen.findByRole('rowheader', { name: 'shop' })).closest('tr')!;
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent?.trim()),
    ).toEqual(['2', '1', '1', '0', 'Remove']);
  });

  it('says so when there is none, and when the swarm cannot be read', async () => {
    render(StacksPanel, { clusterId: 'c1', source: source({ list: vi.fn(() => Promise.resolve([])) }) });
    expect(await screen.findByRole('heading', { name: 'No stacks on this swarm' })).toBeInTheDocument();
    cleanup();
    const failing = source({ list: vi.fn(() => Promise.reject(new ApiError({ code: 'DOCKER_UNREACHABLE', message: 'x' }))) });
    render(StacksPanel, { clusterId: 'c1', source: failing });
    expect(await screen.findByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('checks a pasted file, shows what would be skipped and done, then deploys after a confirmation that says what happens', async () => {
    const s = source();
    render(StacksPanel, { clusterId: 'c1', source: s });
    await screen.findByRole('rowheader', { name: 'shop' });
    const deploy = screen.getByRole('button', { name: 'Deploy' });
    expect(deploy).toBeDisabled();

    await fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(screen.getByText('Enter a name that starts with a letter or digit, then letters, digits, _ or -.')).toBeInTheDocument();
    expect(s.check).not.toHaveBeenCalled();

    await fillForm('blog', 'services:\n  web:\n    image: nginx\n');
    await fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(s.check).toHaveBeenCalledWith('blog', 'services:\n  web:\n    image: nginx\n');
    const skipped = await screen.findByRole('region', { name: 'Not supported by a stack deploy: skipped' });
    expect(skipped).toHaveTextContent('services.web.depends_on line 5: depends_on: swarm starts services in no set order');
    expect(
      within(screen.getByRole('list', { name: 'Services' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent?.replace(/\s+/g, ' ').trim()),
    ).toEqual(['create blog_web', 'update blog_db']);
    expect(within(screen.getByRole('list', { name: 'Secrets' })).getByRole('listitem')).toHaveTextContent(
      /use existing\s*db_password\s*external/,
    );
    expect(deploy).toBeEnabled();

    await fireEvent.click(deploy);
    const dialog = screen.getByRole('dialog', { name: 'Deploy stack blog?' });
    expect(dialog).toHaveAccessibleDescription(
      'Like docker stack deploy: creates blog_default, blog_web; updates blog_db. Skips 1 unsupported keys.',
    );
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy stack' }));
    expect(s.deploy).toHaveBeenCalledWith('blog', 'services:\n  web:\n    image: nginx\n');
    expect(await screen.findByText('Stack blog deployed. Created: blog_default, blog_web. Updated: blog_db.')).toBeInTheDocument();
    expect(s.list).toHaveBeenCalledTimes(2);
  });

  it('shows errors, and never offers a deploy of a file that has them or that changed since the check', async () => {
    const broken: StackCheck = {
      ...checked,
      deployable: false,
      findings: [
        { severity: 'error', path: 'services.web.imagee', code: 'COMPOSE_INVALID', message: 'line 3: "imagee" is not a compose key' },
      ],
    };
    const s = source({ check: vi.fn().mockResolvedValueOnce(broken).mockResolvedValueOnce(checked) });
    render(StacksPanel, { clusterId: 'c1', source: s });
    await fillForm('blog', 'services: {}');
    await fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByRole('region', { name: 'Errors: nothing can be deployed until they are fixed' })).toHaveTextContent(
      'services.web.imagee',
    );
    expect(screen.getByRole('button', { name: 'Deploy' })).toBeDisabled();

    await fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByRole('button', { name: 'Deploy' })).toBeEnabled();
    await fireEvent.input(screen.getByRole('textbox', { name: 'Compose file' }), { target: { value: 'services: { x: { image: y } }' } });
    expect(screen.getByRole('button', { name: 'Deploy' })).toBeDisabled();
    expect(screen.getByText('The name or the file changed since the check. Check again before deploying.')).toBeInTheDocument();
  });

  it('words a refused deploy in the dialog', async () => {
    const refused = new ApiError({
      code: 'COMPOSE_INVALID',
      message: 'x',
      params: { detail: 'configs.app: config shop_app exists with other content' },
    });
    render(StacksPanel, { clusterId: 'c1', source: source({ deploy: vi.fn(() => Promise.reject(refused)) }) });
    await fillForm('blog', 'services: {}');
    await fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Deploy' }));
    const dialog = screen.getByRole('dialog', { name: 'Deploy stack blog?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy stack' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'The compose file has errors; nothing was deployed. configs.app: config shop_app exists with other content',
    );
  });

  it('removes a stack after a confirmation that names what goes', async () => {
    const s = source();
    render(StacksPanel, { clusterId: 'c1', source: s });
    await fireEvent.click(await screen.findByRole('button', { name: 'Remove stack shop' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove stack shop?' });
    expect(dialog).toHaveAccessibleDescription(
      /^Like docker stack rm: removes shop_web, shop_worker, shop_back, shop_app\. Their tasks stop\./,
    );
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove stack' }));
    expect(s.remove).toHaveBeenCalledWith('shop');
    expect(await screen.findByText('Stack shop removed: shop_web, shop_worker, shop_back, shop_app.')).toBeInTheDocument();
  });
});
