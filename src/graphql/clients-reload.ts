/**
 * Client apps and their manifests, loaded at start and reloaded without a restart (SIGHUP, or a change
 * on disk when watched). A reload builds the new registry in full — CLIENTS_FILE parsed, every manifest
 * read and every document compiled — and only then swaps the pipeline's one reference to it, so a
 * request sees the old tables or the new ones, never a mix. A file that cannot be used leaves the tables
 * in force and logs every problem; `pasarela_clients_reloads_total{outcome}` counts both.
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ClientsFileError, type ClientRegistry } from '../auth/clients.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../observability/metrics.js';
import type { OperationPipeline } from './pipeline.js';
import { attachManifests, loadClients } from './trusted-documents.js';

export type ReloadOutcome = { applied: true; clients: number; documents: number } | { applied: false; problems: readonly string[] };

export interface ClientsReloaderOptions {
  pipeline: OperationPipeline;
  /** CLIENTS_FILE; without it there is nothing to reload. */
  file?: string;
  production: boolean;
  logger: Logger;
  metrics: Metrics;
  /** WEBHOOK_ALLOW_HTTP: http:// webhook endpoints in production. */
  allowHttpWebhooks?: boolean;
  /** Called with every registry put in force (the webhook deliveries pick up changed endpoints). */
  onApply?(registry: ClientRegistry): void;
}

/** Changes on disk come in bursts (an editor writes, renames, touches): one reload after the last. */
const WATCH_DEBOUNCE_MS = 100;

export class ClientsReloader {
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Reloads run one at a time, in order. */
  private running: Promise<unknown> = Promise.resolve();
  /** The contents the tables in force were built from (a watch event without a change reloads nothing). */
  private fingerprint: string | undefined;
  private closed = false;

  constructor(private readonly options: ClientsReloaderOptions) {}

  /** The registry's apps with their manifests' documents, compiled by the pipeline. */
  build(registry: ClientRegistry): Promise<ClientRegistry> {
    return attachManifests(registry, (text, hash, source) => this.options.pipeline.compile(text, hash, source));
  }

  /** Puts a built registry in force (one reference swapped) and reports what it holds. */
  apply(registry: ClientRegistry): void {
    this.options.pipeline.replaceClients(registry);
    this.options.onApply?.(registry);
    const apps = registry.apps;
    this.options.metrics.trustedLoaded(apps);
    for (const app of apps) {
      this.options.logger.info({ client: app.name, documents: app.policy, trustedDocuments: app.documents }, 'client app loaded');
      if (this.options.production && app.policy === 'any')
        this.options.logger.warn(
          { client: app.name },
          'client app runs any document (documents "any"): give it a manifest to hold it to its trusted documents',
        );
    }
  }

  /** Reads CLIENTS_FILE and the manifests again; swaps them in when every one of them can be used. */
  reload(): Promise<ReloadOutcome> {
    const next = this.running.then(() => this.reloadNow());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async reloadNow(): Promise<ReloadOutcome> {
    const { file, logger, metrics } = this.options;
    if (!file) return { applied: false, problems: ['no CLIENTS_FILE: access is open, there is nothing to reload'] };
    try {
      const fingerprint = await this.contents();
      const registry = await loadClients(file, (text, hash, source) => this.options.pipeline.compile(text, hash, source), {
        production: this.options.production,
        allowHttpWebhooks: this.options.allowHttpWebhooks,
      });
      this.apply(registry);
      this.fingerprint = fingerprint;
      if (this.watchers.length > 0) this.watch();
      metrics.clientReloads.inc({ outcome: 'applied' });
      const documents = registry.apps.reduce((n, app) => n + app.documents, 0);
      logger.info({ clients: registry.size, documents }, 'client apps and manifests reloaded');
      return { applied: true, clients: registry.size, documents };
    } catch (error) {
      if (!(error instanceof ClientsFileError)) throw error;
      metrics.clientReloads.inc({ outcome: 'refused' });
      logger.error({ problems: error.problems }, 'client apps reload refused: the previous client apps and manifests stay in force');
      return { applied: false, problems: error.problems };
    }
  }

  /** Watches the folders of CLIENTS_FILE and of every manifest in force; reloads when a file changed. */
  watch(): void {
    const { file } = this.options;
    if (!file || this.closed) return;
    for (const watcher of this.watchers) watcher.close();
    const files = [resolve(file), ...(this.options.pipeline.currentClients?.manifests ?? [])];
    const folders = new Set(files.map((path) => dirname(path)));
    this.watchers = [...folders].map((folder) => {
      const names = new Set(files.filter((path) => dirname(path) === folder).map((path) => basename(path)));
      // Any event in the folder may be ours (a ConfigMap swaps a symlink, an editor renames): the
      // contents decide whether anything changed.
      const watcher = watch(folder, { persistent: false }, (_event, name) => {
        if (name && !names.has(name) && !name.startsWith('..')) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.reloadIfChanged(), WATCH_DEBOUNCE_MS);
        this.timer.unref();
      });
      watcher.on('error', (error) => this.options.logger.warn({ err: error, folder }, 'cannot watch the client apps folder; reload with SIGHUP'));
      return watcher;
    });
    if (this.fingerprint === undefined) void this.contents().then((fingerprint) => (this.fingerprint ??= fingerprint));
  }

  private async reloadIfChanged(): Promise<void> {
    if (this.closed) return;
    if ((await this.contents()) === this.fingerprint) return;
    await this.reload();
  }

  /** A digest of CLIENTS_FILE and the manifests in force, as they are on disk now. */
  private async contents(): Promise<string> {
    const files = [this.options.file!, ...(this.options.pipeline.currentClients?.manifests ?? [])];
    const hash = createHash('sha256');
    for (const path of files)
      hash
        .update(path)
        .update('\u0000')
        .update(await readFile(path).catch(() => Buffer.from('(unreadable)')));
    return hash.digest('hex');
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }
}
