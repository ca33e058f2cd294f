import { availabilityText } from '../../src-shared/availability-text';
import { isFleet, type TenantsSummary } from '../../src-shared/tenant-ranking';
import { useAppStore } from './app-state';
import { formatMoment } from './format';
import { nodesDownWhen, tenantsSentence } from './run-tenants-text';

/**
 * A fleet run's tenants on the Drills page: how many were not serving at some moment and for how
 * long, and the worst of those the run hurt, each a step from the Explorer at the moment it went
 * down. The report lists every tenant; this names the ones to look at first.
 */
export function RunTenants({ runId, tenants, stoppedAt }: { runId: string; tenants: TenantsSummary; /** Drill time a run stopped before its end reached. */ stoppedAt?: number | undefined }) {
  const openInExplorer = useAppStore((s) => s.openInExplorer);
  if (!isFleet(tenants)) return null;
  const n = (x: number) => x.toLocaleString('en');
  const more = tenants.affectedCount - tenants.affected.length;
  const atEnd = nodesDownWhen(stoppedAt);
  return (
    <section className="run-tenants" aria-labelledby="run-tenants-title" data-testid="run-tenants">
      <h3 id="run-tenants-title">Tenants</h3>
      <p data-testid="tenants-sentence">
        {tenantsSentence(tenants, stoppedAt)}
      </p>
      {tenants.affected.length > 0 ? (
        <table className="tenant-list" data-testid="tenants-table">
          <caption className="muted">{tenants.affectedCount === 1 ? 'The tenant (cluster) the run hurt' : `The ${tenants.affected.length === tenants.affectedCount ? '' : `${n(tenants.affected.length)} worst of the `}${n(tenants.affectedCount)} tenants (clusters) the run hurt, worst first`}</caption>
          <thead>
            <tr><th scope="col">Tenant</th><th scope="col">Cluster</th><th scope="col" className="num">Available</th><th scope="col" className="num">Minutes down</th><th scope="col">First down</th><th scope="col" className="num">{`Nodes down ${atEnd}`}</th><th scope="col" className="num">Data at risk</th><th scope="col"><span className="sr-only">Explorer</span></th></tr>
          </thead>
          <tbody>
            {tenants.affected.map((t) => (
              <tr key={t.cluster} data-cluster={t.cluster}>
                <td>{t.tenant}</td>
                <td>{t.cluster}</td>
                <td className="num">{availabilityText(t.availabilityPercent)}</td>
                <td className="num">{n(Math.round(t.minutesUnavailable))}</td>
                <td>{t.downFrom === undefined ? '—' : `+${formatMoment(t.downFrom)}`}</td>
                <td className="num">{`${t.nodesDownAtEnd}/${t.nodes}`}</td>
                {/* Checked at a drill's end: a run stopped before it has no count, not a 0. */}
                <td className="num">{stoppedAt === undefined && tenants.withDataAtRisk !== null ? n(t.dataAtRisk) : <span className="muted" title="checked only at a drill's end">not checked</span>}</td>
                <td>
                  <button type="button" className="link" aria-label={`show in Explorer: ${t.tenant}`} title={t.downFrom === undefined ? `Open the Explorer on ${t.tenant} at the end of the run` : `Open the Explorer on ${t.tenant} at +${formatMoment(t.downFrom)}, when it stopped serving`}
                    onClick={() => openInExplorer({ runId, tenant: t.tenant, at: t.downFrom })}>show in Explorer</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {more > 0 ? <p className="muted" data-testid="tenants-more">{moreHurtText(more, tenants.affected)}</p> : null}
    </section>
  );
}

/**
 * Where the tenants beyond the table are. The Explorer's filter is of the moment it shows, and it
 * opens at the run's end, when a failover drill's tenants have recovered: "shows them" led to an
 * empty list. So it says which moment to look at.
 */
function moreHurtText(more: number, shown: TenantsSummary['affected']): string {
  const firstDown = Math.min(...shown.map((t) => t.downFrom ?? Number.POSITIVE_INFINITY));
  const when = Number.isFinite(firstDown) ? `: scrub to +${formatMoment(firstDown)}, when the first of those above went down` : '';
  return `${more.toLocaleString('en')} more tenant${more === 1 ? ' was' : 's were'} hurt: the report (Reports page) lists every tenant. The Explorer's “Only tenants with something down or at risk” lists those hurt at the moment it shows${when}.`;
}
