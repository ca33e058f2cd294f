import { useEffect, useState, type ComponentType, type KeyboardEvent } from 'react';
import { transportName } from './api-client';
import { PAGES, useAppState, useAppStore, type PageId, type Theme } from './app-state';
import { askFirstAuditPage } from './audit-first-page';
import { DrillsPage } from './pages/drills-page';

/**
 * The first page is in the first bundle; the others (and recharts, which only they and the run
 * view draw with) are chunks of their own, fetched once the first page is up and the browser is
 * idle. A page whose code is here renders at once when its tab opens — no Suspense, whose reveal
 * React throttles by 300 ms.
 */
const LOADERS: Record<Exclude<PageId, 'drills'>, () => Promise<ComponentType>> = {
  explorer: () => import('./pages/explorer-page').then((m) => m.ExplorerPage),
  audit: () => import('./pages/audit-page').then((m) => m.AuditPage),
  reports: () => import('./pages/reports-page').then((m) => m.ReportsPage),
  settings: () => import('./pages/settings-page').then((m) => m.SettingsPage),
};
const views: Partial<Record<PageId, ComponentType>> = { drills: DrillsPage };
const loading = new Map<PageId, Promise<void>>();

function loadPage(id: PageId): Promise<void> {
  if (id === 'drills' || views[id]) return Promise.resolve();
  let pending = loading.get(id);
  if (!pending) {
    pending = LOADERS[id]().then((view) => {
      views[id] = view;
    });
    // A failed fetch (the bridge restarted) is tried again the next time the tab is opened.
    pending.catch(() => loading.delete(id));
    loading.set(id, pending);
  }
  return pending;
}

// A page whose code is not here yet asks for its first data as its tab opens, not after its code
// has arrived and rendered: the Audit page's first rows (the other pages' first data is small or already here).
useAppStore.subscribe((s, prev) => {
  if (s.page === 'audit' && prev.page !== 'audit' && !views.audit) askFirstAuditPage(s.auditPreset);
});

function preloadPages(): () => void {
  const idle = (globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => number }).requestIdleCallback;
  const start = () => PAGES.forEach(({ id }) => void loadPage(id).catch(() => undefined));
  const timer = setTimeout(() => (idle ? idle(start, { timeout: 2000 }) : start()), 300);
  return () => clearTimeout(timer);
}

/** A page's view, or a note while its code loads (then the view, once it is here). */
function PageView({ id }: { id: PageId }) {
  const [, loaded] = useState(0);
  const [error, setError] = useState<string | undefined>();
  const View = views[id];
  useEffect(() => {
    if (!View) loadPage(id).then(() => loaded((n) => n + 1), (err: Error) => setError(err.message));
  }, [View, id]);
  if (View) return <View />;
  return error ? <p className="error" role="alert">This page could not be loaded: {error}</p> : <p className="muted">Loading…</p>;
}

/** The window: tabs for the pages (arrow keys move between them), a theme toggle, the page. */
export function App() {
  const { go, runsError } = useAppState();
  const page = useAppStore((s) => s.page);
  const theme = useAppStore((s) => s.theme);
  const setTheme = useAppStore((s) => s.setTheme);
  // Pages mount when first opened and then stay mounted, so a page nobody opened costs nothing at
  // launch, and a running drill, the editor and the audit filters survive a tab switch.
  const [opened, setOpened] = useState<ReadonlySet<PageId>>(() => new Set([page]));
  useEffect(() => setOpened((o) => (o.has(page) ? o : new Set([...o, page]))), [page]);
  useEffect(preloadPages, []);
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);

  const onTabKey = (e: KeyboardEvent) => {
    const i = PAGES.findIndex((p) => p.id === page);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = PAGES[(i + step + PAGES.length) % PAGES.length];
    if (next) {
      go(next.id);
      document.getElementById(`tab-${next.id}`)?.focus();
    }
  };
  return (
    <div className="app">
      <header className="top">
        {/* The one h1: the app's name, as the window's title; each page's sections are h2 below it. */}
        <h1 className="brand">KeyDrill</h1>
        <nav role="tablist" aria-label="Pages" onKeyDown={onTabKey}>
          {PAGES.map((p) => (
            <button key={p.id} id={`tab-${p.id}`} type="button" role="tab" aria-selected={page === p.id} aria-controls={`page-${p.id}`} tabIndex={page === p.id ? 0 : -1} onClick={() => go(p.id)}>
              {p.label}
            </button>
          ))}
        </nav>
        <label className="theme">
          <span className="sr-only">Theme</span>
          <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)} aria-label="Theme">
            <option value="system">System theme</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </header>
      {runsError ? <p className="error banner" role="alert">Could not list the saved runs: {runsError}</p> : null}
      {/* One main landmark around the tab panels (a tabpanel role on <main> itself would hide the landmark from screen readers). */}
      <main>
        {PAGES.map(({ id }) => (
          <div key={id} id={`page-${id}`} className="tabpanel" role="tabpanel" aria-labelledby={`tab-${id}`} hidden={page !== id}>
            {opened.has(id) || page === id ? <PageView id={id} /> : null}
          </div>
        ))}
      </main>
      <footer className="muted">KeyDrill · {transportName === 'desktop' ? 'desktop window' : 'browser, through keydrill ui'}</footer>
    </div>
  );
}
