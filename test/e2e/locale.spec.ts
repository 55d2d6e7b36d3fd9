import { callContract } from './contract-call.js';
import { expect, test } from './fixtures.js';

test.use({ locale: 'en-US' });

test('switching to Español in Settings translates the shell and the cluster screens, and a reload keeps it', async ({ page, web }) => {
  await page.goto(web.url);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Language').selectOption('es');

  const nav = page.getByRole('navigation', { name: 'Principal' });
  await expect(nav.getByRole('link', { name: 'Clústeres' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Nuevo swarm' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Configuración' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');

  await page.reload();
  await nav.getByRole('link', { name: 'Clústeres' }).click();
  await expect(page.getByRole('heading', { name: 'Todavía no hay clústeres' })).toBeVisible();
  await page.getByRole('button', { name: 'Crear un swarm nuevo' }).click();
  await expect(page.getByRole('navigation', { name: 'Pasos de la configuración' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Dé un nombre al swarm y elija sus hosts' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Nombre del clúster' })).toBeVisible();

  await callContract(page, 'clusters.create', { name: 'producción', hosts: ['ops@10.0.0.11', 'ops@10.0.0.12'] });
  await nav.getByRole('link', { name: 'Clústeres' }).click();
  const card = page.getByRole('article', { name: 'producción' });
  await expect(card).toContainText('2 hosts');
  await expect(card).toContainText(/Creado el \d+ [a-z]{3}/);
  await expect(page.getByText('1 perfil de clúster')).toBeVisible();

  await nav.getByRole('link', { name: 'Configuración' }).click();
  await page.getByLabel('Idioma').selectOption('en');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
});

test.describe('with a Spanish browser', () => {
  test.use({ locale: 'es-MX' });
  test('"Same as the system" follows the browser language in web mode', async ({ page, web }) => {
    await page.goto(web.url);
    await expect(page.getByRole('heading', { name: 'Todavía no hay clústeres' })).toBeVisible();
  });
});
