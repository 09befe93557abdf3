# Golden values for causeway's sensitivity analyses, from the peers themselves:
#   - sensemakr (Cinelli & Hazlett 2020): src/sensitivity/ovb-linear.ts
#   - mediation::medsens (Imai, Keele & Yamamoto 2010), continuous mediator and outcome: src/sensitivity/mediation-rho.ts
# Run (R from Debian r-base-core; sensemakr and mediation from their public sources with
# `R CMD INSTALL -l <lib>`; mediation needs r-cran-{mass,matrix,mvtnorm,sandwich,lpsolve,hmisc,lme4,boot}):
#     R_LIBS=<lib> Rscript test/golden/make_sensitivity.R
# It writes test/golden/sensitivity_fixture.csv (a small clustered data set simulated here with a fixed seed)
# and test/golden/sensitivity_expected.json. Tests read both and never need R.
# Versions used for the committed values: R 4.2.2, sensemakr 0.1.6, mediation 4.5.1.
suppressPackageStartupMessages({ library(sensemakr); library(mediation); library(jsonlite) })

here <- local({
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(f)) dirname(normalizePath(f)) else "test/golden"
})

set.seed(20100705)
users <- 60
days <- sample(3:9, users, replace = TRUE)
user <- rep(seq_len(users) * 7 + 1, days)
n <- length(user)
u <- rnorm(users)[match(user, seq_len(users) * 7 + 1)]
x1 <- rnorm(n) + 0.5 * u
x2 <- rexp(n)
x3 <- rbinom(n, 1, 0.4)
cat <- factor(sample(c("a", "b", "c"), n, replace = TRUE, prob = c(0.5, 0.3, 0.2)))
A <- rbinom(n, 1, plogis(-0.2 + 0.5 * x1 - 0.4 * x2 + 0.5 * (cat == "c")))
M <- 0.6 * A + 0.5 * x1 + 0.2 * x2 - 0.3 * (cat == "b") + rnorm(n)
Y <- 0.5 * A + 0.8 * M + 0.3 * A * M + 0.25 * x1 - 0.3 * x3 + 0.4 * (cat == "c") + 0.6 * u + rnorm(n)
d <- data.frame(user = user, A = A, M = M, Y = Y, x1 = x1, x2 = x2, x3 = x3, cat = cat)
write.csv(d, file.path(here, "sensitivity_fixture.csv"), row.names = FALSE)

# ---------------------------------------------------------------- sensemakr on Y ~ A + X
fit <- lm(Y ~ A + x1 + x2 + x3 + cat, data = d)
sens <- sensemakr(fit, treatment = "A", benchmark_covariates = list(x1 = "x1", cat = c("catb", "catc")), kd = 1:3, q = 1, alpha = 0.05)
st <- sens$sensitivity_stats
b <- sens$bounds
grid_points <- list(c(0.05, 0.1), c(0.2, 0.3), c(0.35, 0.05))
grid <- lapply(grid_points, function(p) list(r2dz = p[1], r2yz = p[2],
  estimate = unname(adjusted_estimate(fit, treatment = "A", r2dz.x = p[1], r2yz.dx = p[2]))))
sensemakr_out <- list(
  estimate = st$estimate, se = st$se, t = st$t_statistic, dof = st$dof, partialR2 = st$r2yd.x,
  rv = unname(st$rv_q), rvAlpha = unname(st$rv_qa),
  bounds = lapply(seq_len(nrow(b)), function(i) list(
    label = b$bound_label[i], r2dz = b$r2dz.x[i], r2yz = b$r2yz.dx[i], estimate = b$adjusted_estimate[i],
    se = b$adjusted_se[i], t = b$adjusted_t[i], lower = b$adjusted_lower_CI[i], upper = b$adjusted_upper_CI[i])),
  grid = grid,
  # robustness values at other q and alpha, straight from sensemakr's numeric method
  rvCases = lapply(list(c(3.1, 50, 1, 1), c(3.1, 50, 0.5, 0.05), c(1.2, 200, 1, 0.05), c(40, 30, 1, 0.05)), function(p) list(
    t = p[1], dof = p[2], q = p[3], alpha = p[4], rv = unname(as.numeric(robustness_value(p[1], dof = p[2], q = p[3], alpha = p[4]))))),
  tQuantiles = lapply(list(c(0.975, 3), c(0.975, 37.5), c(0.995, 600), c(0.6, 1)), function(p) list(p = p[1], dof = p[2], q = qt(p[1], p[2])))
)

# ---------------------------------------------------------------- medsens, continuous M and Y
medsens_case <- function(interaction, cluster) {
  med.fit <- lm(M ~ A + x1 + x2 + x3 + cat, data = d)
  out.fit <- if (interaction) lm(Y ~ A + M + A:M + x1 + x2 + x3 + cat, data = d) else lm(Y ~ A + M + x1 + x2 + x3 + cat, data = d)
  med <- if (cluster) {
    mediate(med.fit, out.fit, treat = "A", mediator = "M", sims = 50, cluster = d$user)
  } else {
    mediate(med.fit, out.fit, treat = "A", mediator = "M", sims = 50)
  }
  s <- medsens(med, rho.by = 0.1, effect.type = "indirect")
  list(interaction = interaction, cluster = cluster, rho = s$rho,
       d0 = as.numeric(s$d0), d1 = as.numeric(s$d1),
       lower_d0 = as.numeric(s$lower.d0), upper_d0 = as.numeric(s$upper.d0),
       lower_d1 = as.numeric(s$lower.d1), upper_d1 = as.numeric(s$upper.d1),
       err_cr_d = as.numeric(s$err.cr.d), r2_m = s$r.square.m, r2_y = s$r.square.y)
}
medsens_out <- list(medsens_case(TRUE, FALSE), medsens_case(FALSE, FALSE), medsens_case(TRUE, TRUE))

# ---------------------------------------------------------------- DR-learner stage two (src/analysis/dr-learner.ts)
# Pseudo-outcomes: a cross-fitted AIPW score with user folds ((user - 1) / 7 mod 3), logistic propensity
# and per-arm linear outcome models; then the best linear projection on centred modifiers and the
# calibration regression on out-of-fold predictions, both with CR1 (sandwich::vcovCL HC1) by user.
library(sandwich)
fold <- ((d$user - 1) / 7) %% 3
psi <- numeric(n)
for (f in 0:2) {
  tr <- d[fold != f, ]; te <- d[fold == f, ]
  ps <- predict(glm(A ~ x1 + x2 + x3 + cat, data = tr, family = binomial), te, type = "response")
  m1 <- predict(lm(Y ~ x1 + x2 + x3 + cat, data = tr[tr$A == 1, ]), te)
  m0 <- predict(lm(Y ~ x1 + x2 + x3 + cat, data = tr[tr$A == 0, ]), te)
  psi[fold == f] <- m1 - m0 + te$A * (te$Y - m1) / ps - (1 - te$A) * (te$Y - m0) / (1 - ps)
}
mods <- data.frame(x1 = d$x1 - mean(d$x1), x2 = d$x2 - mean(d$x2), x3 = d$x3 - mean(d$x3))
row_of <- function(fit) {
  v <- vcovCL(fit, cluster = d$user, type = "HC1")
  est <- coef(fit); se <- sqrt(diag(v))
  lapply(seq_along(est), function(j) list(term = names(est)[j], estimate = unname(est[j]), se = unname(se[j]),
    lower = unname(est[j] - qnorm(0.975) * se[j]), upper = unname(est[j] + qnorm(0.975) * se[j]), p = unname(2 * pnorm(-abs(est[j] / se[j])))))
}
blp <- row_of(lm(psi ~ x1 + x2 + x3, data = cbind(mods, psi = psi)))
tau <- numeric(n)
for (f in 0:2) {
  tau[fold == f] <- predict(lm(psi ~ x1 + x2 + x3, data = cbind(mods, psi = psi)[fold != f, ]), mods[fold == f, ])
}
tauc <- tau - mean(tau)
calib_fit <- lm(psi ~ tauc)
calib <- row_of(calib_fit)
vs <- sqrt(vcovCL(calib_fit, cluster = d$user, type = "HC1")[2, 2])
dr_out <- list(psi = psi, fold = fold, blp = blp, calibration = calib, p_slope_one = 2 * pnorm(-abs((coef(calib_fit)[[2]] - 1) / vs)))

writeLines(toJSON(list(sensemakr = sensemakr_out, medsens = medsens_out, drLearner = dr_out), auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(here, "sensitivity_expected.json"))
