import type { enClusterWarnings } from './en-cluster-warnings.js';
import type { CatalogShape } from './types.js';

// Las advertencias de salud del núcleo: por qué importan y cómo se corrigen.
export const esClusterWarnings: CatalogShape<typeof enClusterWarnings> = {
  warnings: {
    QUORUM_LOST: {
      reason:
        'Se perdió el quórum: hay {reachable} managers alcanzables y el swarm necesita {needed} para acordar cualquier cambio. Las tareas en ejecución siguen, pero no se puede cambiar ni reprogramar nada.',
      reasonPlain: 'Se perdió el quórum: hay muy pocos managers alcanzables para acordar cualquier cambio.',
      fix: 'Recupere managers hasta tener {needed} alcanzables (inicie Docker, abra el puerto 2377/tcp entre managers). Si se perdieron para siempre, ejecute docker swarm init --force-new-cluster en un manager que quede y luego agregue managers de nuevo.',
      fixPlain:
        'Recupere managers (inicie Docker, abra el puerto 2377/tcp entre managers). Si se perdieron para siempre, ejecute docker swarm init --force-new-cluster en un manager que quede y luego agregue managers de nuevo.',
    },
    MANAGERS_UNREACHABLE: {
      reason: {
        one: '{count} manager es inalcanzable: {hosts}. El swarm puede soportar {toleratesNow} fallas más de managers antes de perder el quórum.',
        other:
          '{count} managers son inalcanzables: {hosts}. El swarm puede soportar {toleratesNow} fallas más de managers antes de perder el quórum.',
      },
      reasonPlain: 'Algunos managers son inalcanzables, así que el swarm soporta menos fallas de las que debería.',
      fix: 'Verifique que Docker funcione en {hosts} y que el puerto 2377/tcp esté abierto entre managers. Un manager perdido para siempre: haga demote y quítelo (docker node rm) para que deje de contar para el quórum.',
      fixPlain:
        'Verifique que Docker funcione en ellos y que el puerto 2377/tcp esté abierto entre managers. Un manager perdido para siempre: haga demote y quítelo (docker node rm) para que deje de contar para el quórum.',
    },
    MANAGERS_EVEN: {
      reason: '{count} managers toleran {tolerates} fallas, no más que con un manager menos: el par agrega tráfico de raft, no seguridad.',
      reasonPlain: 'Un número par de managers no tolera más fallas que uno menos.',
      fix: 'Haga promote de un worker o demote de un manager para que el número sea impar.',
      fixPlain: 'Haga promote de un worker o demote de un manager para que el número sea impar.',
    },
    MANAGER_SINGLE: {
      reason: 'Un solo manager: mientras esté caído no se puede administrar el swarm, y si se pierde su disco se pierde el swarm.',
      reasonPlain: 'Un solo manager: mientras esté caído no se puede administrar el swarm, y si se pierde su disco se pierde el swarm.',
      fix: 'Haga promote de dos workers para tener tres managers, que toleran una falla.',
      fixPlain: 'Haga promote de dos workers para tener tres managers, que toleran una falla.',
    },
    MANAGERS_RUN_WORKLOADS: {
      reason:
        'Los managers ejecutan cargas de trabajo en un swarm de {nodes} nodos: {hosts}. Un manager ocupado puede perder latidos de raft y hacer lento cada cambio.',
      reasonPlain: 'Los managers ejecutan cargas de trabajo. Un manager ocupado puede perder latidos de raft y hacer lento cada cambio.',
      fix: 'Ponga {hosts} en drain para que sus tareas pasen a los workers.',
      fixPlain: 'Ponga los managers en drain para que sus tareas pasen a los workers.',
    },
    NODES_DOWN: {
      reason: { one: '{count} nodo está caído: {hosts}.', other: '{count} nodos están caídos: {hosts}.' },
      reasonPlain: 'Algunos nodos están caídos.',
      fix: 'Revise {hosts} y Docker en ellos. Mientras tanto Docker ejecuta sus tareas replicadas en otros nodos; un nodo perdido para siempre se puede quitar con docker node rm.',
      fixPlain:
        'Revise los hosts y Docker en ellos. Mientras tanto Docker ejecuta sus tareas replicadas en otros nodos; un nodo perdido para siempre se puede quitar con docker node rm.',
    },
    ENGINE_SKEW: {
      reason: 'Los nodos ejecutan versiones distintas de Docker Engine: {versions}.',
      reasonPlain: 'Los nodos ejecutan versiones distintas de Docker Engine.',
      fix: 'Lleve todos los nodos a la misma versión, de a uno: póngalo en drain, actualice Docker y actívelo. Primero los managers.',
      fixPlain: 'Lleve todos los nodos a la misma versión, de a uno: póngalo en drain, actualice Docker y actívelo. Primero los managers.',
    },
    TOKENS_NOT_ROTATED: {
      reason: 'Los tokens de unión se rotaron por última vez hace {days} días.',
      reasonPlain: 'Los tokens de unión no se rotan desde hace más de 6 meses.',
      fix: 'Rote ambos: docker swarm join-token --rotate worker, y luego --rotate manager. Docker recomienda hacerlo al menos cada 6 meses, y de inmediato si uno pudo filtrarse.',
      fixPlain:
        'Rote ambos: docker swarm join-token --rotate worker, y luego --rotate manager. Docker recomienda hacerlo al menos cada 6 meses, y de inmediato si uno pudo filtrarse.',
      reasonNever: 'Los tokens de unión no se rotaron desde que se creó el swarm, hace {days} días.',
    },
    AUTOLOCK_OFF: {
      reason:
        'El autolock está desactivado: quien tenga una copia del disco de un manager obtiene las claves de raft del swarm y sus secretos.',
      reasonPlain:
        'El autolock está desactivado: quien tenga una copia del disco de un manager obtiene las claves de raft del swarm y sus secretos.',
      fix: 'Actívelo con docker swarm update --autolock=true y guarde la clave de desbloqueo en un lugar seguro: un manager la pide después de cada reinicio.',
      fixPlain:
        'Actívelo con docker swarm update --autolock=true y guarde la clave de desbloqueo en un lugar seguro: un manager la pide después de cada reinicio.',
    },
    BACKUP_MISSING: {
      reason: 'No se ha hecho ninguna copia de seguridad del estado del swarm desde esta estación de trabajo.',
      reasonPlain: 'No se ha hecho ninguna copia de seguridad del estado del swarm desde esta estación de trabajo.',
      fix: 'Haga una en la pestaña Copias de seguridad y programe copias: perder la mayoría de los managers sin una obliga a rehacer el swarm a mano.',
      fixPlain:
        'Haga una en la pestaña Copias de seguridad y programe copias: perder la mayoría de los managers sin una obliga a rehacer el swarm a mano.',
    },
    BACKUP_STALE: {
      reason: 'La última copia de seguridad tiene {hours} horas; la programación pide una cada {every} horas.',
      reasonPlain: 'La última copia de seguridad es más antigua de lo que permite la programación.',
      fix: 'Haga una copia ahora en la pestaña Copias de seguridad; si las copias programadas fallan, la pestaña dice por qué.',
      fixPlain: 'Haga una copia ahora en la pestaña Copias de seguridad; si las copias programadas fallan, la pestaña dice por qué.',
    },
    REGISTRY_INSECURE: {
      reason:
        'El registro privado {endpoint} sirve imágenes por HTTP sin cifrar: cualquiera en el camino de red puede leerlas o alterarlas.',
      reasonPlain: 'El registro privado sirve imágenes por HTTP sin cifrar: cualquiera en el camino de red puede leerlas o alterarlas.',
      fix: 'Manténgalo en una red privada que usted controle, o despliéguelo de nuevo en modo TLS.',
      fixPlain: 'Manténgalo en una red privada que usted controle, o despliéguelo de nuevo en modo TLS.',
    },
  },
};
