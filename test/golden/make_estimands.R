# Golden values of the estimands (ATT/ATC) and balancing weights (entropy balancing, CBPS), computed in R as
# an independent peer of causeway on the golden fixture's analysis frame.
#
#   npm run build && node test/golden/export_estimands_frame.mjs   # writes estimands_frame.csv
#   Rscript test/golden/make_estimands.R                            # writes estimands_expected.json
#
# Peers: glm (unpenalized logistic), lm + sandwich::vcovCL (CR1 cluster SEs, HC1 as statsmodels), the
# ATT/ATC doubly robust scores written out from Hahn (1998) / Chernozhukov et al. (2018, §5.1), entropy
# balancing (Hainmueller 2012) and the just-identified CBPS (Imai & Ratkovic 2014) as their convex duals
# minimized with optim (BFGS) and polished by Newton steps. WeightIt, ebal and CBPS are not installed here
# (R 4.2 from Debian); the duals below are their published definitions. Read by test/golden/estimands.test.ts.
suppressMessages({ library(sandwich); library(jsonlite) })
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
d <- read.csv(file.path(here, "estimands_frame.csv"), check.names = FALSE)
X <- as.matrix(d[, grep("^x[0-9]+$", names(d))])
A <- d$A; Y <- d$Y; M <- d$M; user <- d$user
n <- nrow(d); n1 <- sum(A); n0 <- n - n1

cr1 <- function(fit) sqrt(diag(vcovCL(fit, cluster = user, type = "HC1")))
# ratio estimate sum(s)/sum(dd) and its user-clustered SE with G/(G-1)
ratio <- function(s, dd) {
  est <- sum(s) / sum(dd)
  u <- tapply(s - dd * est, user, sum)
  G <- length(u)
  c(estimate = est, se = sqrt(G / (G - 1) * sum(u^2)) / sum(dd))
}

# ---- propensity: unpenalized logistic
pfit <- glm(A ~ X, family = binomial(), control = glm.control(epsilon = 1e-14, maxit = 100))
e <- as.numeric(fitted(pfit))

hajek <- function(w) {
  fit <- lm(Y ~ A, weights = w)
  c(estimate = unname(coef(fit)["A"]), se = unname(cr1(fit)["A"]))
}
w_att <- ifelse(A == 1, 1, e / (1 - e))
w_atc <- ifelse(A == 1, (1 - e) / e, 1)
ipw_att <- hajek(w_att)
ipw_atc <- hajek(w_atc)
ht_att <- (sum(A * Y) - sum((1 - A) * e / (1 - e) * Y)) / n1
ht_atc <- (sum(A * (1 - e) / e * Y) - sum((1 - A) * Y)) / n0
msm_adj <- lm(Y ~ A + X, weights = w_att)
msm_att_adjusted <- c(estimate = unname(coef(msm_adj)["A"]), se = unname(cr1(msm_adj)["A"]))

# ---- g-computation with Y ~ A + X: the A coefficient is the effect on every row
ofit <- lm(Y ~ A + X)
gcomp_att <- c(estimate = unname(coef(ofit)["A"]), se = unname(cr1(ofit)["A"]))
mu1 <- as.numeric(predict(ofit, newdata = list(A = rep(1, n), X = X)))
mu0 <- as.numeric(predict(ofit, newdata = list(A = rep(0, n), X = X)))

# ---- AIPW ATT / ATC (no cross-fitting: the fits above)
s1_att <- A * Y
s0_att <- A * mu0 + (1 - A) * e / (1 - e) * (Y - mu0)
s1_atc <- (1 - A) * mu1 + A * (1 - e) / e * (Y - mu1)
s0_atc <- (1 - A) * Y
aipw_att <- ratio(s1_att - s0_att, A)
aipw_atc <- ratio(s1_atc - s0_atc, 1 - A)

# ---- linear mediation (M ~ A + X, Y ~ A + M + A:M + X) averaged over all, the treated or the control rows:
# Y(a, M(a')) = predicted Y at A = a and the predicted mediator at A = a', each row's own X
mfit <- lm(M ~ A + X)
yfit <- lm(Y ~ A + M + A:M + X)
mhat <- function(a) as.numeric(predict(mfit, newdata = list(A = rep(a, n), X = X)))
yhat <- function(a, m) as.numeric(predict(yfit, newdata = data.frame(A = rep(a, n), M = m, X = I(X))))
y11 <- yhat(1, mhat(1)); y10 <- yhat(1, mhat(0)); y00 <- yhat(0, mhat(0))
mediation_over <- function(rows) list(te = mean((y11 - y00)[rows]), nde = mean((y10 - y00)[rows]), nie = mean((y11 - y10)[rows]))
mediation_linear <- list(ate = mediation_over(rep(TRUE, n)), att = mediation_over(A == 1), atc = mediation_over(A == 0))

# ---- convex duals: minimize sum f(Z b) - b'T by BFGS, then Newton polish
solve_dual <- function(Z, f, f1, f2, Tt) {
  obj <- function(b) sum(f(Z %*% b)) - sum(b * Tt)
  grad <- function(b) as.numeric(crossprod(Z, f1(Z %*% b))) - Tt
  b <- optim(rep(0, ncol(Z)), obj, grad, method = "BFGS", control = list(maxit = 10000, reltol = 1e-15))$par
  for (k in 1:50) {
    g <- grad(b)
    if (max(abs(g)) / nrow(Z) < 1e-13) break
    H <- crossprod(Z, Z * as.numeric(f2(Z %*% b)))
    b <- b - as.numeric(MASS::ginv(H) %*% g)
  }
  list(b = b, max_gradient = max(abs(grad(b))) / nrow(Z))
}
std <- function(M) scale(M, center = TRUE, scale = apply(M, 2, function(c) sqrt(mean((c - mean(c))^2))))
moments <- function(M, order) {
  out <- M
  if (order >= 2) for (k in 2:order) for (j in seq_len(ncol(M))) {
    if (all(M[, j] %in% c(0, 1))) next
    out <- cbind(out, M[, j]^k)
  }
  out
}
# entropy balancing of the rows `arm` to the mean moments of the rows `target`; weights sum to the arm's size
ebal <- function(C, arm, target) {
  Z <- cbind(1, C[arm, , drop = FALSE])
  m <- sum(arm)
  Tt <- c(m, colMeans(C[target, , drop = FALSE]) * m)
  s <- solve_dual(Z, exp, exp, exp, Tt)
  list(w = as.numeric(exp(Z %*% s$b)), max_gradient = s$max_gradient)
}
ebal_estimate <- function(order, estimand) {
  C <- std(moments(X, order))
  w <- rep(1, n)
  if (estimand == "att") { r <- ebal(C, A == 0, A == 1); w[A == 0] <- r$w }
  if (estimand == "atc") { r <- ebal(C, A == 1, A == 0); w[A == 1] <- r$w }
  if (estimand == "ate") {
    r1 <- ebal(C, A == 1, rep(TRUE, n)); w[A == 1] <- r1$w
    r <- ebal(C, A == 0, rep(TRUE, n)); w[A == 0] <- r$w
  }
  M <- moments(X, order)
  list(estimate = unname(hajek(w)["estimate"]), se = unname(hajek(w)["se"]),
       control_means = as.numeric(colSums(M[A == 0, , drop = FALSE] * w[A == 0]) / sum(w[A == 0])),
       treated_means = as.numeric(colSums(M[A == 1, , drop = FALSE] * w[A == 1]) / sum(w[A == 1])),
       weight_sum_controls = sum(w[A == 0]), max_gradient = r$max_gradient)
}

# ---- CBPS, just identified: the balance conditions are the dual's gradient (src/estimate/balancing.ts)
cbps <- function(estimand) {
  Z <- cbind(1, std(X))
  f <- function(eta) ifelse(A == 1,
    switch(estimand, ate = exp(-eta) - eta, att = -eta, atc = exp(-eta)),
    switch(estimand, ate = exp(eta) + eta, att = exp(eta), atc = eta))
  f1 <- function(eta) ifelse(A == 1,
    switch(estimand, ate = -exp(-eta) - 1, att = rep(-1, n), atc = -exp(-eta)),
    switch(estimand, ate = exp(eta) + 1, att = exp(eta), atc = rep(1, n)))
  f2 <- function(eta) ifelse(A == 1,
    switch(estimand, ate = exp(-eta), att = rep(0, n), atc = exp(-eta)),
    switch(estimand, ate = exp(eta), att = exp(eta), atc = rep(0, n)))
  s <- solve_dual(Z, f, f1, f2, rep(0, ncol(Z)))
  plogis(as.numeric(Z %*% s$b))
}
e_cbps_ate <- cbps("ate"); e_cbps_att <- cbps("att")
w_cbps_ate <- ifelse(A == 1, 1 / e_cbps_ate, 1 / (1 - e_cbps_ate))
w_cbps_att <- ifelse(A == 1, 1, e_cbps_att / (1 - e_cbps_att))
Xt <- cbind(1, X)
# AIPW ATT / ATC whose propensity is the CBPS of that estimand (its balance conditions, not the ATE's)
e_cbps_atc <- cbps("atc")
aipw_cbps_att <- ratio(A * Y - (A * mu0 + (1 - A) * e_cbps_att / (1 - e_cbps_att) * (Y - mu0)), A)
aipw_cbps_atc <- ratio((1 - A) * mu1 + A * (1 - e_cbps_atc) / e_cbps_atc * (Y - mu1) - (1 - A) * Y, 1 - A)
balance_ate <- as.numeric(crossprod(Xt, A / e_cbps_ate - (1 - A) / (1 - e_cbps_ate))) / n

out <- list(
  source = "test/golden/make_estimands.R (R glm, lm + sandwich::vcovCL HC1, optim BFGS duals)",
  r_version = R.version.string,
  n = n, n1 = n1,
  propensity_first = e[1:5],
  ipw_att = as.list(ipw_att), ipw_atc = as.list(ipw_atc), ht_att = ht_att, ht_atc = ht_atc,
  msm_att_adjusted = as.list(msm_att_adjusted),
  gcomp_att = as.list(gcomp_att),
  aipw_att = as.list(aipw_att), aipw_atc = as.list(aipw_atc),
  aipw_means_att = list(y1_treated = as.list(ratio(s1_att, A)), y0_treated = as.list(ratio(s0_att, A))),
  ebal_att_1 = ebal_estimate(1, "att"), ebal_att_2 = ebal_estimate(2, "att"), ebal_ate_1 = ebal_estimate(1, "ate"),
  ebal_atc_1 = ebal_estimate(1, "atc"),
  cbps_att = list(estimate = unname(hajek(w_cbps_att)["estimate"]), propensity_first = e_cbps_att[1:5]),
  mediation_linear = mediation_linear,
  aipw_cbps_att = as.list(aipw_cbps_att), aipw_cbps_atc = as.list(aipw_cbps_atc),
  cbps_ate = list(estimate = unname(hajek(w_cbps_ate)["estimate"]), propensity_first = e_cbps_ate[1:5], max_abs_balance = max(abs(balance_ate)))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(here, "estimands_expected.json"))
cat("wrote estimands_expected.json\n")
