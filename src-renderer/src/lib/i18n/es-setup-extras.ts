import type { enSetupExtras } from './en-setup-extras.js';
import type { CatalogShape } from './types.js';

// El paso «Producción» del asistente. Se combina en es-setup.ts.
export const esSetupExtras: CatalogShape<typeof enSetupExtras> = {
  heading: 'Agregar servicios de producción',
  intro:
    'Cada uno se ejecuta después de construir y verificar el swarm. Todos son opcionales: déjelos desactivados para construir solo el swarm. También se pueden configurar más tarde desde las pestañas del clúster.',
  skip: 'Nada de esto es obligatorio. Pulse Siguiente para omitirlo.',
  registry: {
    toggle: 'Registro privado',
    what: 'Un registro de imágenes que se ejecuta en el swarm, para que cada nodo descargue sus imágenes desde dentro en lugar de un registro público.',
    host: 'Host',
    hostHelp: 'Su almacenamiento, un volumen con nombre, vive en este host: el registro se ejecuta allí.',
    address: 'Dirección (opcional)',
    addressHelp: 'La IP o el nombre desde el que descarga cada nodo. Vacía: la dirección que este host anuncia al swarm.',
    username: 'Usuario (opcional)',
    usernameHelp: 'Indique uno para exigir un inicio de sesión al subir y descargar. Vacío: sin inicio de sesión.',
    password: 'Contraseña',
    passwordHelp:
      'Se guarda en el llavero, no en el archivo de plan. Se envía una vez, cuando empieza la construcción, y no se conserva aquí.',
    passwordShort: 'Al menos 8 caracteres.',
    loginHidden: 'Sin TLS no hay inicio de sesión: Docker no envía contraseñas por HTTP sin cifrar.',
  },
  backups: {
    toggle: 'Copias de seguridad periódicas',
    what: 'Una copia del estado del swarm (servicios, redes, secretos, configs) cada cierto número de horas, cifrada con una clave guardada en el llavero y almacenada en esta computadora. Se hacen mientras Swarmdeck está abierto.',
    when: 'Cuándo',
    firstNow: 'Tomar la primera copia al final de la construcción',
    firstNowHelp: 'Docker se detiene un momento en un manager que no es el líder, mientras los demás mantienen el swarm en marcha.',
  },
  edge: {
    toggle: 'Lista de destinos edge',
    what: 'Un archivo con los nodos que deben recibir tráfico, para su balanceador de carga o proxy inverso (nginx, HAProxy), que se mantiene al día a medida que los nodos llegan y se van.',
    noHosts: 'Todavía no hay hosts guardados: agregue primero el host del proxy en Hosts.',
  },
  pools: {
    toggle: 'Scripts de pools de nodos',
    what: 'Un script de primer arranque (user-data de cloud-init) para cada grupo de autoescalado: una máquina nueva espera a Docker, se une al swarm con el rol correcto y recibe las etiquetas del pool.',
    secret:
      'Cada script contiene un token de unión, que permite a cualquier máquina unirse al swarm: guarde el archivo como una contraseña. Se escribe legible solo por usted.',
    managers: 'Pool de managers',
    workers: 'Pool de workers',
    name: 'Nombre del pool',
    size: 'Tamaño del grupo (opcional)',
    sizeHelp: 'El tamaño deseado del grupo de autoescalado, para compararlo con los nodos que se unieron.',
    labels: 'Etiquetas (opcional)',
    labelsHelp: 'Una clave=valor por línea; se dan a cada nodo del pool cuando se une.',
    path: 'Archivo del script',
    pathHelp: 'Una ruta en esta computadora, p. ej. /home/usted/workers.user-data.',
  },
  words: {
    every: { one: 'cada hora', other: 'cada {count} horas' },
    byHand: 'solo a mano',
    modeTls: 'TLS',
    modeInsecure: 'sin TLS',
    publishHost: 'solo en su host',
    publishIngress: 'en todos los nodos',
  },
  review: {
    registry: 'Registro privado en {host} ({mode})',
    backups: 'Copias de seguridad {every}; se conservan las {keep} más recientes',
    edge: 'Lista de destinos edge en {output}',
    pool: 'Script de primer arranque del pool {pool} en {path}',
  },
  blocked: 'Complete lo marcado arriba, o desactive esa parte, para continuar.',
  blockedEmpty: 'Complete las partes que activó, o desactívelas, para continuar.',
  blockedPassword: 'Escriba la contraseña del registro (al menos 8 caracteres), o borre el usuario, para continuar.',
};
