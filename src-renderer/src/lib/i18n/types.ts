/** A message with plural forms, chosen by `Intl.PluralRules` from the `count` parameter. */
export interface PluralMessage {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

export type Message = string | PluralMessage;

/** The shape of a catalog with the English literals widened: what every other locale must fill. */
export type CatalogShape<T> = {
  [K in keyof T]: T[K] extends string ? string : T[K] extends PluralMessage ? PluralMessage : CatalogShape<T[K]>;
};

/** Dotted keys of every message: `nav.clusters`, `clusters.count`… */
export type MessageKey<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends Message ? `${Prefix}${K}` : MessageKey<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageAt<T, K extends string> = K extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? MessageAt<T[Head], Rest>
    : never
  : K extends keyof T
    ? T[K]
    : never;

type Placeholders<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** Parameter names a message needs: its `{placeholders}`, plus `count` for plurals. */
export type ParamNames<M> = M extends string ? Placeholders<M> : M extends PluralMessage ? 'count' | Placeholders<M[keyof M]> : never;

export type Params<M> = [ParamNames<M>] extends [never] ? [] : [params: Record<ParamNames<M>, string | number>];
