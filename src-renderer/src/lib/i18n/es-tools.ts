import type { enTools } from './en-tools.js';
import type { CatalogShape } from './types.js';

export const esTools: CatalogShape<typeof enTools> = {
  tools: {
    exec: {
      tasks: 'Tareas en ejecución',
      shell: 'Shell',
      shellFor: 'Abrir una shell en {task} en {node}',
      title: 'Shell en {task} en {node}',
      via: 'Contenedor {container} a través del host {host}',
      opening: 'Abriendo una shell…',
      open: 'Conectado.',
      ended: 'La sesión terminó.',
      endedWithError: 'La sesión terminó: {error}',
      failed: 'No se pudo abrir una shell: {error}',
      terminal: 'Terminal de {task}',
      keys: 'Tab, Escape y las demás teclas van a la shell; Mayús+Tab sale del terminal.',
      screenReader: 'Modo de lector de pantalla',
      close: 'Cerrar',
    },
    activity: {
      title: 'Actividad',
      intro: 'Lo que Swarmdeck hizo en este swarm, lo más reciente primero.',
      filter: 'Filtrar entradas',
      time: 'Hora',
      host: 'Host',
      action: 'Acción',
      result: 'Resultado',
      detail: 'Detalle',
      ok: 'Correcto',
      failed: 'Falló',
      unknown: 'Desconocido',
      noHost: '—',
      loading: 'Cargando la actividad…',
      empty: 'Todavía no se ha hecho nada en este swarm.',
      noMatch: 'Ninguna entrada coincide con el filtro.',
      matched: '{shown} de {count} entradas coinciden.',
      loadFailed: 'No se pudo leer la actividad: {error}',
    },
  },
};
