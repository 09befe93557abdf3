/**
 * The indirect effect against ρ, the correlation of the mediator and outcome models' errors, with its
 * interval band, as mediation::medsens's plot (src/sensitivity/mediation-rho.ts): the treated arm's ACME
 * (causeway's NIE), the control arm's when the outcome model has the A×M interaction, the ρ = 0 estimate and
 * the ρ at which the effect vanishes marked.
 */
import type { FigureKind } from './kind.js';
import { PALETTE, renderChart, titleOptions, type ReferenceLine } from './render.js';
import type { MediationRhoResult } from '../../results/index.js';
import { formatNumber } from '../format.js';

interface MediationRhoInput {
  result: MediationRhoResult;
  label: string;
  valueLabel: string;
}

export const mediationRhoFigure = {
  id: 'mediation_rho',
  section: 'sensitivity',
  shows: 'indirect effect against the mediator–outcome error correlation ρ, with its interval (medsens)',
  plan: (input) => ({
    kind: 'mediation_rho',
    file: `mediation_rho_${input.result.estimator.replace(/[^A-Za-z0-9_-]/g, '_')}`,
    title: `Indirect effect against ρ (${input.label})`,
    draw: (o) => {
      const { result: r, label, valueLabel } = input;
      const pts = (key: 'acme1' | 'acme1Lower' | 'acme1Upper' | 'acme0') => r.curve.map((p) => ({ x: p.rho, y: p[key] }));
      const lines: ReferenceLine[] = [
        { scale: 'y', value: 0, color: '#111827', width: 1.2 },
        { scale: 'x', value: 0, color: PALETTE.grey, dash: [3, 3], width: 1 },
      ];
      const root = r.rhoAtZero[1];
      if (root !== null) lines.push({ scale: 'x', value: root, color: PALETTE.reference, dash: [6, 4], width: 1.6, label: `ρ = ${root.toFixed(2)}: NIE = 0` });
      const datasets: unknown[] = [
        { label: 'interval (lower)', data: pts('acme1Lower'), borderColor: 'rgba(42,111,151,0.0)', backgroundColor: 'rgba(42,111,151,0.18)', pointRadius: 0, fill: false },
        { label: `${Math.round(r.level * 100)}% interval`, data: pts('acme1Upper'), borderColor: 'rgba(42,111,151,0.0)', backgroundColor: 'rgba(42,111,151,0.18)', pointRadius: 0, fill: '-1' },
        { label: 'NIE (treated arm, δ(1))', data: pts('acme1'), borderColor: PALETTE.primary, backgroundColor: PALETTE.primary, borderWidth: 2.2, pointRadius: 0, fill: false },
      ];
      if (r.interaction) datasets.push({ label: 'control arm, δ(0)', data: pts('acme0'), borderColor: PALETTE.secondary, backgroundColor: PALETTE.secondary, borderWidth: 1.4, borderDash: [5, 3], pointRadius: 0, fill: false });
      const config = {
        type: 'line',
        data: { datasets },
        options: {
          layout: { padding: { top: 16, right: 20, left: 8, bottom: 4 } },
          scales: {
            x: { type: 'linear', min: -1, max: 1, title: { display: true, text: 'ρ: correlation of mediator and outcome errors' } },
            y: { type: 'linear', title: { display: true, text: `Indirect effect on ${valueLabel}` } },
          },
          plugins: {
            legend: { display: true, position: 'top', labels: { filter: (item: { text: string }) => item.text !== 'interval (lower)' } },
            ...titleOptions(`Mediation sensitivity: ${label}`, 'Sequential ignorability holds at ρ = 0; the amber line marks where the indirect effect vanishes', 18),
            causewayLines: { lines },
          },
        },
      };
      const out = renderChart(config, 900, 520, o);
      const at0 = r.curve.reduce((best, p) => (Math.abs(p.rho) < Math.abs(best.rho) ? p : best), r.curve[0]);
      return {
        ...out,
        alt: `Line chart of ${label}'s indirect effect (treated arm) against ρ from ${formatNumber(r.curve[0].rho)} to ${formatNumber(r.curve[r.curve.length - 1].rho)}, with its ${Math.round(r.level * 100)}% interval band; ${formatNumber(at0.acme1)} at ρ = ${formatNumber(at0.rho)}; ` +
          (root !== null ? `it is zero at ρ = ${formatNumber(root)}.` : 'it keeps its sign for every ρ.'),
      };
    },
  }),
} as const satisfies FigureKind<MediationRhoInput>;
