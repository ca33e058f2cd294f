import { lazy, Suspense, useEffect, useState, type ComponentType, type KeyboardEvent } from 'react';
import { transportName } from './api-client';
import { PAGES, useAppState, useAppStore, type PageId, type Theme } from './app-state';
import { DrillsPage } from './pages/drills-page';

/**
 * The first page is in the first bundle; the others (and recharts, which only they and the run
 * view draw with) load when first opened, so the window is interactive before they are parsed.
 */
const PAGE_VIEWS: Record<PageId, ComponentType> = {
  drills: DrillsPage,
  explorer: lazy(() => import('./pages/explorer-page').then((m) => ({ default: m.ExplorerPage }))),
  audit: lazy(() => import('./pages/audit-page').then((m) => ({ default: m.AuditPage }))),
  reports: lazy(() => import('./pages/reports-page').then((m) => ({ default: m.ReportsPage }))),
  settings: lazy(() => import('./pages/settings-page').then((m) => ({ default: m.SettingsPage }))),
};

/** The window: tabs for the pages (arrow keys move between them), a theme toggle, the page. */
export function App() {
  const { page, go, runsError } = useAppState();
  const theme = useAppStore((s) => s.theme);
  const setTheme = useAppStore((s) => s.setTheme);
  // Pages mount when first opened and then stay mounted, so a page nobody opened costs nothing at
  // launch, and a running drill, the editor and the audit filters survive a tab switch.
  const [opened, setOpened] = useState<ReadonlySet<PageId>>(() => new Set([page]));
  useEffect(() => setOpened((o) => (o.has(page) ? o : new Set([...o, page]))), [page]);
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
        <span className="brand">KeyDrill</span>
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
      {PAGES.map(({ id }) => {
        const View = PAGE_VIEWS[id];
        return (
          <main key={id} id={`page-${id}`} role="tabpanel" aria-labelledby={`tab-${id}`} hidden={page !== id}>
            {opened.has(id) || page === id ? <Suspense fallback={<p className="muted">Loading…</p>}><View /></Suspense> : null}
          </main>
        );
      })}
      <footer className="muted">KeyDrill · {transportName === 'desktop' ? 'desktop window' : 'browser, through keydrill ui'}</footer>
    </div>
  );
}
