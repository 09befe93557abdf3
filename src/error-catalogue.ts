/**
 * Every error and warning causeway reports, each under a stable code with what it means and what to do.
 *
 * Errors: `new CausewayError(code, …)` takes an `ErrorCode`, so a code missing here does not compile;
 * where a throw site gives no hint, `help` is the hint the user sees. Warnings are free text in
 * results.json (estimator, cell and run `warnings`); their text is part of the golden outputs, so the
 * code is not written into it but recovered by `classifyWarning`. Data-quality checks are the `check`
 * ids of the data-quality table. docs/errors.md is generated from this file (scripts/gen-errors.mjs);
 * test/errors/catalogue.test.ts fails when a code used in src/ is missing here, an entry here is never
 * used, or docs/errors.md is stale.
 */

export interface ErrorEntry {
  /** What the error means, in one line. */
  message: string;
  /** What to do about it, in one line. */
  help: string;
}

interface WarningEntry extends ErrorEntry {
  /** Matches the warning text (after any `estimator-id: ` or `mediator model: `-style prefixes). */
  pattern: RegExp;
  /** Real texts of this warning, one per form its emitters produce. */
  examples: string[];
}

/** For errors that mean causeway itself is inconsistent, not that the input is wrong. */
const BUG = 'this is a bug in causeway: please report it with the spec that triggered it';

export const ERRORS = {
  // spec/: reading, extending and validating the YAML (located at file:line:col)
  SPEC_NOT_FOUND: { message: 'The spec file does not exist or cannot be read.', help: 'check the path, which is relative to the current directory, and the file permissions' },
  SPEC_YAML_SYNTAX: { message: 'The spec is not well-formed YAML.', help: 'fix the YAML at the line and column shown: indentation, an unclosed quote or bracket' },
  SPEC_PATTERN_UNMATCHED: { message: 'A covariate name pattern (with * or ?) matches no panel column (a warning of `causeway validate`; a run drops the pattern).', help: 'fix the pattern, or remove it if the columns it was meant for are gone' },
  SPEC_NOT_MAPPING: { message: 'The spec file is not a YAML mapping of sections.', help: 'write the spec as top-level sections such as name:, data:, days:, treatment:, estimators:' },
  SPEC_EXTENDS_TYPE: { message: '`extends` is not a path.', help: 'give extends: the path of another spec, relative to this file' },
  SPEC_EXTENDS_MISSING: { message: 'The spec named by `extends` does not exist.', help: 'the path is relative to the spec that names it' },
  SPEC_EXTENDS_CYCLE: { message: 'Specs extend each other in a cycle.', help: 'remove one of the extends: links shown' },
  SPEC_EXTENDS_DEPTH: { message: 'An extends chain is longer than causeway follows (docs/limits.md).', help: 'flatten the chain: let a variant extend the base spec directly' },
  SPEC_EXTENDS_READ: { message: 'An extended spec cannot be read as a spec file (not a regular file, too large, or unreadable).', help: 'extends names a YAML file of at most 1 MiB' },
  SPEC_EXTENDS_OUTSIDE: { message: 'An extended spec lies outside the spec\'s project.', help: 'keep extended specs in the spec\'s folder tree, or name their folder with --project DIR' },
  SPEC_YAML_ALIAS: { message: 'A YAML alias is undefined, or the spec uses more aliases than causeway expands (docs/limits.md).', help: 'define the anchor (&name) before its alias (*name), or write the values out' },
  SPEC_YAML_DEPTH: { message: 'The YAML nests deeper than causeway reads (docs/limits.md).', help: 'a spec needs a few levels of nesting; flatten the structure' },
  SPEC_FORBIDDEN_NAME: { message: 'A key or name is __proto__, constructor or prototype, which causeway refuses.', help: 'rename the key or name to anything else' },
  SPEC_READ: { message: 'The spec cannot be read as a spec file (not a regular file, too large, or unreadable).', help: 'name a YAML file of at most 1 MiB' },
  SPEC_OUTSIDE_PROJECT: { message: 'A spec file lies outside the folders causeway reads specs from.', help: 'name its folder with --project DIR' },
  SPEC_GRID_TOO_LARGE: { message: 'The grid\'s product of axis sizes passes the most cells causeway expands (docs/limits.md).', help: 'split the grid, use zip: to pair axes, or exclude: combinations' },
  SPEC_OVERRIDE: { message: 'A -S or --sweep option is not path=value, names no spec path, or its value is not YAML.', help: 'write -S treatment.threshold.value=0.6 or --sweep mediator=a,b (values are YAML)' },
  SPEC_IGNORED_OPTION: { message: 'An estimator option has no effect in the form the entry runs in (its kind declares which), so it is refused rather than silently ignored.', help: 'remove the option, or choose the form that honours it' },
  SPEC_PANEL_SECTION: { message: 'A ready panel (data.source: panel) has a section only event sources have.', help: 'remove the section: the panel\'s columns are its day measures (derive more in a query)' },
  SPEC_TABLE_SECTION: { message: 'A unit table (data.source: table) has a section only panels have.', help: 'remove the section and name the table\'s columns directly' },
  SPEC_SCHEMA: { message: 'A value does not match the spec schema (unknown key, wrong type, value out of range).', help: 'the spec reference in README.md lists every key with its type and default' },
  SPEC_DERIVED_NAME: { message: 'A derived column is named like a panel column.', help: 'give the derived column a name the panel does not use' },
  SPEC_DUPLICATE_ID: { message: 'Two estimators have the same id.', help: 'give every estimator a unique id' },
  SPEC_UNKNOWN_MODEL: { message: 'An estimator names a model that is neither in `models:` nor a built-in learner.', help: 'define the model under models: or use a learner kind: linear, logistic, ridge or gbm (propensities also cbps; ipw and msm also entropy_balance)' },
  SPEC_UNKNOWN_ESTIMATOR: { message: 'A reference to an estimator id (msm weights, report.primary, heterogeneity.estimator, sensitivity.omitted_variable_bias.estimators) names no estimator.', help: 'use the id of an estimator defined under estimators:' },
  SPEC_DATA_PATH: { message: '`data.source: kuairec` has no `data.path`.', help: "set data.path to the KuaiRec archive or the extracted 'KuaiRec 2.0' folder" },
  SPEC_SAMPLE: { message: 'The sample remainder is not below the modulus.', help: 'choose a remainder in [0, modulus − 1]' },
  SPEC_UNKNOWN_AXIS: { message: 'A sensitivity grid axis names a spec path that does not exist.', help: 'name axes by the dotted path of a spec value, e.g. treatment.threshold.quantile' },
  SPEC_AXIS_TWICE: { message: 'A grid axis appears twice (in grid: and a zip: group, or in two groups).', help: 'list each axis once' },
  SPEC_AXIS_VALUE: { message: 'A grid value, applied to the base spec, does not validate.', help: 'fix or remove that value in sensitivity.grid' },
  SPEC_ZIP_LENGTHS: { message: 'The axes of a zip group list different numbers of values.', help: 'zipped axes are taken position by position, so give each the same number of values' },
  SPEC_EXCLUDE_AXIS: { message: 'A sensitivity exclude rule names something that is not a grid axis.', help: 'exclude rules may only name axes of sensitivity.grid or its zip groups' },
  SPEC_UNKNOWN_COLUMN: { message: 'A column the spec names (treatment, mediator, outcome, covariate, segment) is not a panel column.', help: 'define it as a day measure (days:) or history column (history:), or use a built-in panel column' },

  // panel/: the expression language and the panel definition (located at file:line:col)
  EXPR_SYNTAX: { message: 'An expression does not parse.', help: 'see Expressions in README.md for the grammar and the functions' },
  EXPR_ARITY: { message: 'A function is called with the wrong number of arguments.', help: 'see Expressions in README.md for each function and its arguments' },
  EXPR_UNKNOWN_COLUMN: { message: 'An expression names a column that does not exist where it is used.', help: 'check the spelling; event columns, item.* and user.* columns, day measures and history columns each have their own scope' },
  EXPR_UNKNOWN_FUNCTION: { message: 'An expression calls a function the language does not have.', help: 'see Expressions in README.md for the functions' },
  EXPR_TYPE: { message: 'An operand has the wrong type (number, true/false or categorical).', help: 'compare numbers to get true/false, and compare categorical columns only with quoted text using == or !=' },
  EXPR_CONTEXT: { message: 'A column or function is used where it is not available (per event, per user-day or per panel row).', help: 'aggregations belong in day measures under days:; panel rows are user-days and see day measures and history' },
  EXPR_CYCLE: { message: 'Definitions refer to each other (or to themselves) in a cycle.', help: 'break the cycle: a definition can only use those it does not depend on' },
  EXPR_TOO_LONG: { message: 'An expression is longer than causeway parses (docs/limits.md).', help: 'define parts of it as named measures and combine them' },
  EXPR_TOO_DEEP: { message: 'An expression nests deeper than causeway parses (docs/limits.md).', help: 'define inner parts as named measures' },
  PANEL_BAD_NAME: { message: 'A panel definition has an invalid or clashing name.', help: 'names are letters, digits and _, not starting with a digit, and differ from built-in, raw event and user-feature columns' },
  PANEL_BAD_HISTORY: { message: 'A history entry is incomplete or inconsistent.', help: 'give history entries a non-empty days: list of whole numbers ≥ 1' },
  PANEL_UNKNOWN_MEASURE: { message: 'A history entry names something that is not a day measure.', help: 'history is built from day measures: define the measure under days: first' },
  PANEL_UNKNOWN_USER_FEATURE: { message: 'A user feature joined onto the panel is not a column of user_features.csv.', help: 'use a column of KuaiRec user_features.csv' },
  PANEL_MISSING_COLUMN: { message: 'A column the panel needs is absent from the data that was read.', help: 'check that the archive is the KuaiRec release and that the spec names existing columns' },
  PANEL_MISSING_TABLE: { message: 'A column needs a side table that was not loaded.', help: BUG },
  PANEL_NO_EVENTS: { message: 'No dated event remains in the sample, so the panel would be empty.', help: 'check data.sample and data.missing_time' },

  // data/: the archive and its CSV members (located at member:line column)
  DATA_NO_PATH: { message: 'The KuaiRec source was requested without a path.', help: 'set data.path to 18164998.zip, KuaiRec.zip or an extracted "KuaiRec 2.0" folder' },
  DATA_MISSING_ARCHIVE: { message: 'data.path does not exist.', help: 'set data.path, relative to the spec, to 18164998.zip, KuaiRec.zip or an extracted "KuaiRec 2.0" folder' },
  DATA_NOT_ZIP: { message: 'data.path is a file but not a zip archive.', help: 'give the outer 18164998.zip, the inner KuaiRec.zip or an extracted "KuaiRec 2.0" folder' },
  DATA_TRUNCATED_ZIP: { message: 'The zip archive is cut short (its central directory is missing).', help: 'download the archive again' },
  DATA_CORRUPT_ZIP: { message: 'The zip archive or one of its members cannot be read.', help: 'download the archive again' },
  DATA_UNSUPPORTED_ZIP: { message: 'A member uses a zip compression method causeway cannot read.', help: 'only stored and deflated members are read; extract the archive and point data.path at the folder' },
  DATA_CORRUPT_DEFLATE: { message: "A member's compressed data is damaged (inflate error, CRC-32 or size mismatch).", help: 'download the archive again' },
  DATA_MISSING_MEMBER: { message: 'The archive or folder lacks a KuaiRec CSV file causeway needs.', help: 'point data.path at the complete KuaiRec 2.0 release' },
  DATA_EMPTY_MEMBER: { message: 'A CSV member is empty (no header line).', help: 'download the archive again' },
  DATA_BAD_ID: { message: 'A user or video id is fractional, negative or not a whole number.', help: 'ids are non-negative whole numbers; the file is damaged or not the KuaiRec layout' },
  DATA_MISSING_FILE: { message: 'A data file does not exist, or a glob matches no file.', help: 'paths and globs are relative to the spec file; check the name' },
  DATA_BAD_FILE: { message: 'A data file does not read as its format (e.g. a CSV named .parquet).', help: 'name the file by its format, or set format:' },
  DATA_UNKNOWN_FORMAT: { message: 'A data file\'s name tells no format.', help: 'add format: csv | tsv | parquet | arrow | ndjson' },
  DATA_MIXED_FORMATS: { message: 'A path list or glob names files of several formats.', help: 'read one format per source, or convert the files' },
  DATA_COLUMN_TYPE: { message: 'A role or key column has a type the source cannot use.', help: 'cast it in the export or in a query:' },
  DATA_COLUMN_CLASH: { message: 'A log column is named like a role causeway creates.', help: 'rename the column, or map the role onto it in columns:' },
  DATA_BAD_TIME: { message: 'A time value does not parse as the declared time format (file, line and column named).', help: 'check columns.time\'s unit (s, ms or iso)' },
  DATA_BAD_TIMEZONE: { message: 'The timezone is not an IANA zone name.', help: 'use a name such as Europe/Berlin or America/Sao_Paulo' },
  DATA_NO_TIME: { message: 'An event source names neither a time nor a date column.', help: 'map columns.time or columns.date' },
  DATA_NO_ITEM: { message: 'An item side table is joined but columns.item names no item key.', help: 'name the item key in columns.item' },
  DATA_MISSING_KEY: { message: 'A user key (events) or a side-table key is empty.', help: 'drop or fill rows without a key in the export' },
  DATA_BAD_TRUTH: { message: 'data.truth does not read as a JSON truth file.', help: 'point data.truth at a JSON file of the true effects, or remove it' },
  DATA_SHORT_ROW: { message: 'A row has fewer cells than the header.', help: 'the file is damaged or was cut; download the archive again' },
  DATA_EXTRA_CELLS: { message: 'A row has more cells than the header.', help: 'an unquoted comma or a damaged file; quote the cell or download the archive again' },
  DATA_DUPLICATE_KEY: { message: 'A key appears twice in a side table, with the rows named.', help: 'keep one row per key: the two rows disagree or repeat each other' },
  DATA_RECORD_TOO_LONG: { message: 'One CSV record is longer than causeway reads (docs/limits.md).', help: 'the file is damaged (an unclosed quote) or not a CSV' },
  DATA_TOO_MANY_ROWS: { message: 'More rows are kept than causeway holds in memory (docs/limits.md).', help: 'sample users with data.sample.modulus, or raise CAUSEWAY_MAX_ROWS' },
  DATA_SYMLINK_LOOP: { message: 'A symbolic link in the data folder points back into itself.', help: 'remove the looping link' },
  DATA_MEMBER_LINK: { message: 'A data member is a link to a file outside the data folder.', help: 'copy the file into the folder instead of linking it' },
  DATA_FOLDER_TOO_BROAD: { message: 'data.path names a folder too large or deep to be a KuaiRec folder (docs/limits.md).', help: 'point data.path at the archive, KuaiRec.zip or the extracted KuaiRec 2.0 folder' },
  DESIGN_EMPTY_POPULATION: { message: 'The population (or the analysis frame) has no rows.', help: 'loosen population:, or check that the sample and the definitions select any days' },
  DESIGN_TOO_FEW_CLUSTERS: { message: 'Fewer users than causeway needs for a user-clustered interval (docs/limits.md).', help: 'use a larger sample (data.sample.modulus) or a wider population' },
  DATA_MISSING_COLUMN: { message: 'A CSV member lacks a column causeway needs.', help: 'the header line is shown; the files must be the unmodified KuaiRec release' },
  DATA_NOT_NUMERIC: { message: 'A numeric column holds text that is not a number.', help: 'the value, its line and column are shown; the files must be the unmodified KuaiRec release' },
  DATA_BAD_CSV: { message: 'A CSV member is malformed (a quoted field never ends).', help: 'download the archive again' },
  DATA_BAD_SAMPLE: { message: 'The user sample (user_id % modulus == remainder) is not valid.', help: 'use a positive integer modulus and a remainder in [0, modulus − 1]' },
  DATA_EMPTY_SAMPLE: { message: 'The user sample keeps no interactions.', help: 'choose another data.sample modulus or remainder' },
  DATA_UNKNOWN_TABLE: { message: 'A side table was requested that causeway does not know.', help: BUG },
  SYNTH_BAD_OPTION: { message: 'An option of the simulated archive is out of range.', help: "see 'causeway synth --help' for the accepted ranges" },

  // frame/: population, treatment, mediator, outcomes and covariates of one cell
  FRAME_MISSING_COLUMN: { message: 'A column the analysis frame needs is not in the panel.', help: 'define it under days: or history:, or fix its name' },
  FRAME_BAD_POPULATION: { message: 'The population mask does not fit the panel.', help: BUG },
  FRAME_BAD_THRESHOLD: { message: 'The treatment quantile is outside [0, 1].', help: 'set treatment.threshold.quantile between 0 and 1' },
  FRAME_EMPTY: { message: 'No population row has a treatment value, so the treatment threshold cannot be computed.', help: 'check the population expression, the treatment measure and data.sample' },
  FRAME_BAD_TRANSFORM: { message: 'A log1p transform meets a value below −1.', help: 'drop the log1p transform for that covariate or shift the column first' },

  // estimate/: estimators, learners and the gradient-boosting models
  ESTIMATE_UNKNOWN_KIND: { message: 'An estimator kind is not one causeway has.', help: 'see the estimator kinds in the spec reference of README.md' },
  ESTIMATE_BAD_OPTION: { message: 'An estimator option has the wrong type or range.', help: "see the estimator's options in the spec reference of README.md" },
  ESTIMATE_BALANCE_NOT_CONVERGED: { message: 'Entropy balancing or CBPS found no weights that balance the covariates (its Newton iterations did not reach the balance conditions).', help: 'the covariates or their declared moments nearly separate the arms: use fewer moments, coarsen the separating covariate, or a clipped logistic propensity' },
  ESTIMATE_NOT_PROPENSITY: { message: 'A model that gives weights, not propensities (entropy_balance), is named where a propensity P(A=1|X) is needed.', help: 'use entropy_balance as the propensity of ipw or msm; aipw and the cross-fitted forms need a propensity model (logistic, cbps, gbm)' },
  ESTIMATE_UNKNOWN_MODEL: { message: 'A model name or model kind is not known.', help: 'define the model under models: or use a learner kind: linear, logistic, ridge or gbm (propensities also cbps; ipw and msm also entropy_balance)' },
  ESTIMATE_MODEL_TASK: { message: 'A model is used for the wrong task (a regression model as a propensity, or the reverse).', help: 'propensities need logistic or gbm with loss logistic; outcome and mediator models need linear, ridge or gbm' },
  ESTIMATE_MISSING_MODEL: { message: 'The debiased mediation estimator has no propensity model.', help: 'give the estimator a propensity: model' },
  ESTIMATE_NO_MEDIATOR: { message: 'A mediation estimator runs on a spec without a mediator.', help: 'set mediator: in the spec, or drop the mediation estimator' },
  ESTIMATE_ONE_ARM: { message: 'All rows (or all training rows of a cross-fitting fold) are in one treatment arm, so there is no contrast.', help: 'check the treatment threshold and the overlap diagnostics, or use fewer folds' },
  ESTIMATE_TOO_FEW_GROUPS: { message: 'There are fewer users than cross-fitting folds.', help: 'use fewer folds or a larger sample' },
  ESTIMATE_BAD_TREATMENT: { message: 'The treatment is not 0/1 on some row.', help: BUG },
  ESTIMATE_BAD_OUTCOME: { message: 'The outcome is missing or not finite on some row.', help: 'check the outcome expression for divisions by zero or missing values' },
  ESTIMATE_BAD_MEDIATOR: { message: 'The mediator is missing or not finite on some row.', help: 'check the mediator expression for divisions by zero or missing values' },
  ESTIMATE_INTERNAL: { message: 'A cross-fitting input has the wrong number of rows.', help: BUG },
  HETEROGENEITY_BAD_RULE: { message: 'A heterogeneity segment rule is not valid.', help: 'quantile segments need an integer number of quantiles ≥ 2' },
  HETEROGENEITY_MISSING_COLUMN: { message: 'A heterogeneity segment column is not in the analysis frame.', help: 'segment columns must be pre-treatment population columns or covariates' },
  HETEROGENEITY_BAD_COLUMN: { message: 'A segment column does not fit the analysis frame.', help: BUG },
  HETEROGENEITY_NO_IMPORTANCE: { message: 'The effect-moderator model reports no feature importance.', help: 'use a model of kind gbm for heterogeneity' },
  MODEL_UNKNOWN_OPTION: { message: 'A gbm model has an option gbm does not know.', help: 'see the gbm options in the spec reference of README.md' },
  MODEL_BAD_OPTION: { message: 'A gbm option has the wrong type or range.', help: 'see the gbm options in the spec reference of README.md' },
  MODEL_NO_ROWS: { message: 'A gbm model has no rows to fit.', help: 'check the population and the sample' },
  MODEL_BAD_TARGET: { message: 'A gbm target is not finite, or outside [0, 1] for logistic loss.', help: 'check the outcome or mediator expression for missing values' },
  MODEL_BAD_WEIGHT: { message: 'gbm weights are negative, not finite, or all zero.', help: 'check the weights passed to the model' },
  MODEL_BAD_INPUT: { message: 'A gbm model is given targets, features or weights of mismatched lengths.', help: BUG },
  MODEL_FEATURE_MISMATCH: { message: 'A gbm model predicts with a different number of features than it was fitted on.', help: BUG },

  // run/: planning, the worker pool, shards and merging
  RUN_TOO_MANY_CELLS: { message: 'The sensitivity grid expands to more cells than the limit.', help: "check the grid with 'causeway plan', then raise sensitivity.max_cells or pass --max-cells" },
  RUN_WORKER_START: { message: 'The cell workers could not start.', help: 'reinstall causeway so that its compiled files in dist/ are complete' },
  RUN_SHARD: { message: 'The --shard option or the batch-scheduler environment is not a valid shard.', help: 'use --shard k/n with 1 ≤ k ≤ n, or run inside a SLURM array or Kubernetes indexed job' },
  RUN_MERGE: { message: 'Shard outputs cannot be merged (missing, duplicated, interrupted or from another spec).', help: 'run every shard from the same spec and causeway version into the same run directory' },

  // report/: the run directory, results.json and the template
  RUN_DIR_INVALID: { message: 'A file of the run directory is missing or not valid JSON.', help: 'is this a causeway run directory?' },
  RUN_OUT_NOT_FOLDER: { message: 'run --out names an existing file, not a folder.', help: 'name a new folder or an earlier causeway run folder' },
  RUN_OUT_NOT_RUN_FOLDER: { message: 'run --out names a non-empty folder causeway did not write; causeway writes only into its own run folders.', help: 'name a new or empty folder' },
  RUN_FOLDER_LOCKED: { message: 'Another causeway run is writing this run folder.', help: 'wait for it to finish; a lock left by a dead process on this host is taken over' },
  FRAME_BAD_OUT: { message: 'causeway frame --out does not end in .csv or .parquet.', help: 'name FILE.csv or FILE.parquet' },
  FRAME_UNKNOWN_CELL: { message: 'causeway frame --cell names a cell the plan does not have.', help: 'causeway plan lists the cell ids' },
  RESULTS_VERSION: { message: 'results.json was written under a results schema this causeway does not read.', help: 're-run the spec with this version of causeway' },
  RESULTS_INVALID: { message: 'The results value does not match schemas/results.schema.json.', help: 'if results.json was edited by hand, re-run the spec; otherwise this is a bug in causeway' },
  REPORT_TEMPLATE_MISSING: { message: 'The report template file does not exist.', help: 'report.template is relative to the spec file' },
  REPORT_TEMPLATE_READ: { message: 'The report template cannot be read as a template (not a regular file, too large, or unreadable).', help: 'a template is a text file of at most 1 MiB' },
  REPORT_TEMPLATE_OUTSIDE: { message: 'The report template lies outside the spec\'s project.', help: 'keep templates in the spec\'s folder tree, or name their folder with --project DIR' },
  REPORT_TEMPLATE_ERROR: { message: 'The Handlebars report template failed to compile or render.', help: 'fix the template at the place named in the message' },
  REPORT_PATH_ESCAPE: { message: 'An output path is absolute, holds a NUL byte or leaves the run directory.', help: 'use a name without "..", "/" or "\\"' },
  REPORT_UNSAFE_NAME: { message: 'A name used as a file name (figure, table, estimator id) has unsafe characters.', help: 'use letters, digits, "-", "_" and "."' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERRORS;

export const WARNINGS = {
  // frame/
  DESIGN_SEPARATION: {
    message: 'Most rows lie outside the propensity range both arms reach: the covariates (nearly) determine the treatment (src/analysis/propensity.ts).',
    help: 'remove covariates that define or follow from the treatment (its own measure, for instance); otherwise read the estimates as extrapolation',
    pattern: /^treatment nearly separated by the covariates: [\d.]+% of rows lie outside the arms' common propensity range; adjusted estimates extrapolate$/,
    examples: ["treatment nearly separated by the covariates: 87.5% of rows lie outside the arms' common propensity range; adjusted estimates extrapolate"],
  },
  FRAME_FEW_ARM_CLUSTERS: {
    message: 'One arm of the treatment rests on fewer users than a clustered interval needs (src/frame/design.ts).',
    help: 'read that arm\'s intervals with care, or widen the sample or population',
    pattern: /^the (treated|control) arm holds rows of only \d+ users? \(fewer than \d+\): its intervals rest on few clusters$/,
    examples: ['the treated arm holds rows of only 3 users (fewer than 10): its intervals rest on few clusters'],
  },
  FRAME_PATTERN_UNMATCHED: {
    message: 'A covariate name pattern (with * or ?) matched no panel column.',
    help: 'fix the pattern, or remove it if the columns it was meant for are gone',
    pattern: /^.+ pattern ".*" matched no column$/,
    examples: ['numeric covariate pattern "past_*_days" matched no column'],
  },
  FRAME_POPULATION_MISSING: {
    message: 'The population expression was missing (NaN) on some panel rows; they are left out of the population.',
    help: 'guard the expression against missing values if those rows belong in the population',
    pattern: /^population expression was missing \(NaN\) on \d+ panel rows; those rows are excluded$/,
    examples: ['population expression was missing (NaN) on 12 panel rows; those rows are excluded'],
  },
  FRAME_ROWS_EXCLUDED: {
    message: 'Population rows with a missing treatment, mediator or outcome are left out of the frame.',
    help: 'many exclusions can bias the estimate: check the measures behind the counts shown',
    pattern: /^\d+ population rows excluded for missing values \(treatment \d+, mediator \d+, outcome \d+\)$/,
    examples: ['40 population rows excluded for missing values (treatment 0, mediator 10, outcome 30)'],
  },
  FRAME_NO_COMPLETE_ROWS: {
    message: 'No population row has treatment, mediator and outcome, so the frame is empty.',
    help: 'check the population, the measures and data.sample; every estimator of the cell will fail',
    pattern: /^the analysis frame is empty: no population row has treatment, mediator and outcome$/,
    examples: ['the analysis frame is empty: no population row has treatment, mediator and outcome'],
  },
  FRAME_ONE_ARM: {
    message: 'Every frame row falls in the same treatment arm.',
    help: 'choose another treatment threshold; effects need treated and untreated rows',
    pattern: /^one treatment arm is empty: (no row|every row) has .+ >= .+$/,
    examples: ['one treatment arm is empty: every row has active_minutes >= 0'],
  },
  FRAME_CONSTANT_MEDIATOR: {
    message: 'The mediator takes one value on every frame row.',
    help: 'mediation effects cannot be identified: choose another mediator or population',
    pattern: /^the mediator .+ is constant in the frame$/,
    examples: ['the mediator satisfaction_depth_score is constant in the frame'],
  },
  FRAME_COVARIATE_ALL_MISSING: {
    message: 'A covariate is missing on every frame row and is dropped.',
    help: 'remove the covariate or fix the measure behind it',
    pattern: /^covariate .+ is missing on every row; dropped$/,
    examples: ['covariate user.fans_user_num_range is missing on every row; dropped'],
  },
  FRAME_CONSTANT_COVARIATES: {
    message: 'Covariates that are constant in the frame are dropped.',
    help: 'nothing to do unless the covariate was expected to vary in this population',
    pattern: /^constant covariates dropped: .+$/,
    examples: ['constant covariates dropped: is_video_author'],
  },
  FRAME_OUTCOME_ROWS_EXCLUDED: {
    message: 'Rows without a secondary outcome are left out of the estimates for that outcome.',
    help: 'many exclusions can bias the estimate: check the outcome measure',
    pattern: /^\d+ rows without .+ excluded$/,
    examples: ['25 rows without future_7day_interactions excluded'],
  },

  // estimate/
  ESTIMATE_COLLINEAR: {
    message: 'The regression design is collinear; the minimum-norm solution is used.',
    help: 'drop the redundant covariates shown; estimates of the treatment effect remain valid but coefficients of the aliased columns are not',
    pattern: /^collinear (design: .+ (is a linear combination|are linear combinations) of other columns( or the intercept)?|covariates within a treatment arm); minimum-norm solution used$/,
    examples: [
      'collinear design: x2 is a linear combination of other columns or the intercept; minimum-norm solution used',
      'collinear design: x2, x3 are linear combinations of other columns; minimum-norm solution used',
      'collinear covariates within a treatment arm; minimum-norm solution used',
    ],
  },
  ESTIMATE_SEPARATION: {
    message: 'The propensity model separates the arms (almost) perfectly, so propensities reach 0 or 1.',
    help: 'overlap is poor: remove covariates that determine the treatment, or change the treatment threshold',
    pattern: /^perfect or quasi-perfect separation: the treatment is \(almost\) determined by the covariates, so propensities reach 0 or 1$/,
    examples: ['perfect or quasi-perfect separation: the treatment is (almost) determined by the covariates, so propensities reach 0 or 1'],
  },
  ESTIMATE_NOT_CONVERGED: {
    message: 'A logistic regression did not converge in its iteration limit.',
    help: 'check for separation or badly scaled covariates (a transform may help)',
    pattern: /^logistic regression did not converge in \d+ iterations$/,
    examples: ['logistic regression did not converge in 50 iterations'],
  },
  ESTIMATE_INFLUENTIAL_USER: {
    message: "One user carries a large share of the estimate's influence.",
    help: 'the estimate hinges on few users: read it with the influence table and consider trimming or a larger sample',
    pattern: /^user .+ carries [\d.]+% of the estimate's influence \(over \d+%\); removing that user would move the estimate (from \S+ )?by about \S+$/,
    examples: ["user 1234 carries 31.5% of the estimate's influence (over 20%); removing that user would move the estimate from 0.1200 by about -0.0410"],
  },
  ESTIMATE_READINESS_CAUTION: {
    message: 'A readiness check (users and rows per user, treatment variation, overlap, effective sample size, balance) did not pass.',
    help: 'see the readiness table in the report; clipping, stabilization or fewer covariates may help',
    pattern: /^readiness caution: .+$/,
    examples: ['readiness caution: effective sample size at least 70% of rows'],
  },
  ESTIMATE_BOOTSTRAP_FAILURES: {
    message: 'Some bootstrap replicates could not be estimated and were left out of the interval.',
    help: 'a few are harmless; many mean the design is fragile (one arm nearly empty in resamples)',
    pattern: /^\d+ of \d+ bootstrap replicates could not be estimated and were left out$/,
    examples: ['3 of 200 bootstrap replicates could not be estimated and were left out'],
  },
  ESTIMATE_PROPENSITY_CLIPPED: {
    message: 'Cross-fitted propensities were clipped to the estimator’s clip bounds.',
    help: 'many clipped propensities mean poor overlap: check the overlap figure',
    pattern: /^(\d+ of \d+|\d+ P\(A=1\|X\) and \d+ P\(A=1\|M,X\)) cross-fitted propensities were clipped to \[\S+, \S+\]$/,
    examples: [
      '14 of 1200 cross-fitted propensities were clipped to [0.01, 0.99]',
      '6 P(A=1|X) and 26 P(A=1|M,X) cross-fitted propensities were clipped to [0.01, 0.99]',
    ],
  },
  ESTIMATE_CLIP_PILEUP: {
    message: 'Many rows have a propensity at or beyond the clip bounds (or within 0.025 of 0 or 1): the weights come from the clip rather than the data. Past 50% of rows (P(A=1|X)) the estimator fails instead (docs/limits.md, Overlap).',
    help: 'overlap is poor: remove covariates that (nearly) determine the treatment, narrow the population, or read the estimate as extrapolation; the overlap table lists the share per estimator',
    pattern: /^[\d.]+% of rows have a (propensity|P\(A=1\|X\)|P\(A=1\|M,X\)) at or beyond \[\S+, \S+\] \(over \d+%\): positivity is doubtful and the estimate leans on the clip$/,
    examples: [
      '23.4% of rows have a propensity at or beyond [0.02, 0.98] (over 10%): positivity is doubtful and the estimate leans on the clip',
      '12.0% of rows have a P(A=1|M,X) at or beyond [0.025, 0.975] (over 10%): positivity is doubtful and the estimate leans on the clip',
    ],
  },
  ESTIMATE_NESTED_NO_SPLIT: {
    message: 'The nested regression of the debiased mediation estimator was fitted without its half split.',
    help: 'the training folds are small: use fewer folds or a larger sample',
    pattern: /^nested regression fitted without the half split \(too few users or untreated rows in a training fold\)$/,
    examples: ['nested regression fitted without the half split (too few users or untreated rows in a training fold)'],
  },
  // sensitivity/ and analysis/: omitted-variable bias and the DR-learner
  SENSITIVITY_COLLINEAR: {
    message: 'Collinear covariates were left out of the omitted-variable-bias regression, as lm reports them NA (src/sensitivity/ovb-linear.ts).',
    help: 'drop one of each pair of covariates that carry the same information',
    pattern: /^collinear covariates left out of the sensitivity regression: .+$/,
    examples: ['collinear covariates left out of the sensitivity regression: lag_1_active_day'],
  },
  SENSITIVITY_BENCHMARK_UNKNOWN: {
    message: 'A benchmark named in sensitivity.omitted_variable_bias is not a covariate column of the regression.',
    help: 'name a covariate design column, or a categorical covariate for all its one-hot columns',
    pattern: /^benchmark .+ is not a covariate column of the regression; skipped$/,
    examples: ['benchmark fans_user is not a covariate column of the regression; skipped'],
  },
  SENSITIVITY_BENCHMARK_IMPOSSIBLE: {
    message: 'A confounder that many times as strong as the benchmark would explain all of the treatment (sensemakr: "impossible kd value").',
    help: 'use smaller multipliers for strong benchmarks',
    pattern: /^a confounder \S+× as strong as .+ is impossible \(implied partial R² with the treatment ≥ 1\); row left out$/,
    examples: ['a confounder 3× as strong as prior_3day_interactions is impossible (implied partial R² with the treatment ≥ 1); row left out'],
  },
  SENSITIVITY_BOUND_CAPPED: {
    message: 'The implied partial R² of the confounder with the outcome exceeded 1 and was set to 1, as sensemakr does; the adjusted interval then has width 0.',
    help: 'read the row as: such a confounder could explain all the outcome’s residual variation',
    pattern: /^the bound on R²\(Y~Z\|D,X\) for \S+× .+ exceeded 1 and was set to 1$/,
    examples: ['the bound on R²(Y~Z|D,X) for 2× user_active_degree exceeded 1 and was set to 1'],
  },
  DR_LEARNER_COLLINEAR: {
    message: 'The effect modifiers are collinear in a training fold of the DR-learner calibration (src/analysis/dr-learner.ts).',
    help: 'drop modifiers that carry the same information',
    pattern: /^fold \d+: collinear effect modifiers; minimum-norm second stage$/,
    examples: ['fold 0: collinear effect modifiers; minimum-norm second stage'],
  },
  DR_LEARNER_CONSTANT_MODIFIER: {
    message: 'An effect modifier (or a category level) is constant in the analysis rows and was left out of the DR-learner projection.',
    help: 'remove the modifier, or widen the population so it varies',
    pattern: /^effect modifier .+ is constant in the analysis rows; left out$/,
    examples: ['effect modifier user_active_degree_UNKNOWN is constant in the analysis rows; left out'],
  },
} as const satisfies Record<string, WarningEntry>;

export type WarningCode = keyof typeof WARNINGS;

/** The `check` ids of the data-quality table (results.json `data.quality`). */
export const DATA_QUALITY_CHECKS = {
  rows_read: { message: 'Interaction rows read from the matrix member.', help: 'for reference: every other count is a share of these rows' },
  rows_outside_sample: { message: 'Rows whose user is outside data.sample.', help: 'expected when a sample is set' },
  missing_time: { message: 'Rows with an empty time, date or timestamp.', help: 'dropped or kept per data.missing_time' },
  missing_user_or_video_id: { message: 'Rows without a user or video id; dropped.', help: 'a large share means a damaged archive' },
  events_without_user_features: { message: 'Events of users with no row in user_features.csv; kept, their features missing.', help: 'user features of those users are imputed in the covariates' },
  nan_text_cells: { message: 'Cells of the interaction matrix spelled NaN, read as missing values.', help: 'counted so that the conversion is never silent; check the export that wrote them' },
  user_features_nan_text_cells: { message: 'Cells of user_features.csv spelled NaN, read as missing values.', help: 'counted so that the conversion is never silent; they are imputed as covariates' },
  item_daily_nan_text_cells: { message: 'Cells of item_daily_features.csv spelled NaN, read as missing values.', help: 'counted so that the conversion is never silent; item averages skip them' },
  item_daily_missing_video_id: { message: 'item_daily_features rows without a video id; dropped.', help: 'a large share means a damaged archive' },
  // written as `missing_cells:<table>.<column>`, one row per side-table column read that has empty cells
  missing_cells: { message: 'Empty cells in a side-table column that is read (one row per column: missing_cells:<table>.<column>); kept as missing.', help: 'the action says how they enter the analysis: median-imputed, level "missing", or skipped in an average' },
} as const satisfies Record<string, ErrorEntry>;

/** The catalogue entry of a data-quality check id (`missing_cells:user_features.x` → `missing_cells`). */
export const qualityCheckKind = (check: string): string => check.split(':')[0]!;


/** Prefixes the emitters put before a warning: `<estimator id>: ` (cell level), `<role> model: `. */
const WARNING_PREFIX = /^(?:[^\s:]+: )?(?:(?:mediator|outcome|treated arm|control arm) model: )?/;

/** The code of a warning text from results.json, or undefined for a text no emitter writes. */
export function classifyWarning(text: string): WarningCode | undefined {
  const body = text.replace(WARNING_PREFIX, '');
  for (const [code, entry] of Object.entries(WARNINGS) as [WarningCode, WarningEntry][]) {
    if (entry.pattern.test(body) || entry.pattern.test(text)) return code;
  }
  return undefined;
}
