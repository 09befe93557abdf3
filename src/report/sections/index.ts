/**
 * Every report section, in the order they are built: this order fixes the order of tables/ and figures/
 * in the artifact index (the template's order, templates/default/report.md.hbs, is the reading order).
 * Each section is sections/<id>.ts beside its partial templates/default/partials/<id>.hbs
 * (test/report/registry.test.ts checks the pairing).
 */
import type { ReportSection } from './context.js';
import { assumptionsSection } from './assumptions.js';
import { covariateQualitySection } from './covariate_quality.js';
import { dataSection } from './data.js';
import { definitionsSection } from './definitions.js';
import { estimatorsSection } from './estimators.js';
import { exploratorySection } from './exploratory.js';
import { findingsSection } from './findings.js';
import { heterogeneitySection } from './heterogeneity.js';
import { limitationsSection } from './limitations.js';
import { mediationSection } from './mediation.js';
import { methodsSection } from './methods.js';
import { modelBlueprintSection } from './model_blueprint.js';
import { nuisanceSection } from './nuisance.js';
import { overlapSection } from './overlap.js';
import { pathwaySection } from './pathway.js';
import { questionSection } from './question.js';
import { robustnessSection } from './robustness.js';
import { secondarySection } from './secondary.js';
import { semSection } from './sem.js';
import { sensitivitySection } from './sensitivity.js';
import { summarySection } from './summary.js';
import { truthSection } from './truth.js';
import { weightReadinessSection } from './weight_readiness.js';

export const REPORT_SECTIONS: readonly ReportSection[] = [
  questionSection,
  dataSection,
  exploratorySection,
  covariateQualitySection,
  definitionsSection,
  assumptionsSection,
  overlapSection,
  weightReadinessSection,
  pathwaySection,
  estimatorsSection,
  methodsSection,
  modelBlueprintSection,
  secondarySection,
  mediationSection,
  semSection,
  sensitivitySection,
  robustnessSection,
  heterogeneitySection,
  nuisanceSection,
  limitationsSection,
  truthSection,
  summarySection,
  findingsSection,
];
