# Reference numbers for tests/test_estimate.py and tests/test_weight.py.
#
# Run from the repository root with R >= 4.2 and survey 4.1.1:
#     Rscript tests/reference/make_reference.R
# It writes the api data sets it uses to tests/reference/data/*.csv and every
# reference result (full precision, "%.17g") to tests/reference/survey_reference.csv,
# one row per estimate: case, statistic, variable, level, domain, estimate, se,
# ci_low, ci_high, deff. The "case" names the design and the call; the comments
# below give the exact R call of each. CI never runs R: the tests read the CSVs.
suppressMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
options(survey.lonely.psu = "fail")
data(api)
out_dir <- "tests/reference"
keep <- c("cds", "stype", "dnum", "snum", "api00", "api99", "enroll", "api.stu",
          "sch.wide", "comp.imp", "avg.ed", "meals", "pw")
# api99na: api99 with every school whose snum is a multiple of 7 missing, so that
# two variables (avg.ed or enroll, and api99na) are missing in different rows;
# mealcat: meals in three bands, for a 3 x 3 table; yes: sch.wide == "Yes" as 0/1
write_data <- function(d, name, extra) {
  d <- d[, c(keep, extra)]
  d$api99na <- ifelse(d$snum %% 7 == 0, NA, d$api99)
  d$mealcat <- as.character(cut(d$meals, c(-Inf, 33, 66, Inf),
                                labels = c("a.low", "b.mid", "c.high")))
  d$yes <- as.numeric(d$sch.wide == "Yes")
  write.csv(d, file.path(out_dir, "data", paste0(name, ".csv")), row.names = FALSE, na = "")
  d
}
apisrs <- write_data(apisrs, "apisrs", "fpc")
apistrat <- write_data(apistrat, "apistrat", "fpc")
apiclus1 <- write_data(apiclus1, "apiclus1", "fpc")
apiclus2 <- write_data(apiclus2, "apiclus2", c("fpc1", "fpc2"))

# Population figures from apipop (6,194 schools): only the totals used below.
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
stopifnot(all(table(apipop$stype) == pop.types$Freq))
stopifnot(all(table(apipop$sch.wide) == pop.schwide$Freq))
api99.total <- sum(apipop$api99)  # 3914069
totals <- data.frame(name = c("N", "stype.E", "stype.H", "stype.M", "sch.wide.No",
                              "sch.wide.Yes", "api99"),
                     value = c(nrow(apipop), pop.types$Freq, pop.schwide$Freq, api99.total))
write.csv(totals, file.path(out_dir, "data", "apipop_totals.csv"), row.names = FALSE)

rows <- list()
num <- function(x) { x <- as.vector(x); ifelse(is.na(x), "NA", sprintf("%.17g", x)) }
add <- function(case, statistic, variable, est, se, ci, deff = NA, level = NA, domain = NA) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, statistic = statistic, variable = variable, level = level,
    domain = domain, estimate = num(est), se = num(se), ci_low = num(ci[, 1]),
    ci_high = num(ci[, 2]), deff = num(deff))
}
# svymean / svytotal of several variables at once: one row per variable
stat <- function(case, statistic, s, deff = FALSE) {
  add(case, statistic, names(coef(s)), coef(s), SE(s), confint(s),
      if (deff) deff(s) else NA)
}
# svyby, one variable per call; the domain reads "stype=E;sch.wide=No"
by_stat <- function(case, statistic, variable, b, byvars, deff = FALSE) {
  dom <- apply(as.data.frame(b)[, byvars, drop = FALSE], 1,
               function(r) paste(paste0(byvars, "=", trimws(r)), collapse = ";"))
  add(case, statistic, variable, coef(b), SE(b), confint(b),
      if (deff) deff(b) else NA, domain = dom)
}
means <- function(case, des, vars = c("api00", "api99", "enroll")) {
  f <- as.formula(paste("~", paste(vars, collapse = "+")))
  for (v in vars)  # svymean(~v, des, na.rm = TRUE, deff = TRUE), one variable at a time
    stat(case, "mean", svymean(as.formula(paste("~", v)), des, na.rm = TRUE, deff = TRUE),
         deff = TRUE)
  # and all at once, without deff: must agree when nothing is missing
  if (!any(is.na(model.frame(f, model.frame(des), na.action = na.pass))))
    stat(paste0(case, "/joint"), "mean", svymean(f, des))
}
# R's na.rm = TRUE on several variables at once: complete cases over all of them
# (the design keeps every row; the incomplete ones get zero weight). Case "<case>/joint-na":
#   svymean(f, des, na.rm = TRUE, deff = TRUE); svytotal(f, ...); 
#   svyratio(~api.stu + avg.ed, ~enroll + api99na, des, na.rm = TRUE, deff = TRUE);
#   svyby(f, ~stype, des, svymean, na.rm = TRUE, deff = TRUE)
# with f = ~api00 + avg.ed + api99na + enroll
joint_na <- function(case, des) {
  case <- paste0(case, "/joint-na")
  vars <- c("api00", "avg.ed", "api99na", "enroll")
  f <- ~api00 + avg.ed + api99na + enroll
  stat(case, "mean", svymean(f, des, na.rm = TRUE, deff = TRUE), deff = TRUE)
  stat(case, "total", svytotal(f, des, na.rm = TRUE, deff = TRUE), deff = TRUE)
  r <- svyratio(~api.stu + avg.ed, ~enroll + api99na, des, na.rm = TRUE, deff = TRUE)
  nm <- outer(rownames(r$ratio), colnames(r$ratio), paste, sep = "/")
  add(case, "ratio", as.vector(nm), as.vector(r$ratio), as.vector(sqrt(r$var)),
      confint(r), as.vector(attr(r, "deff")))
  b <- svyby(f, ~stype, des, svymean, na.rm = TRUE, deff = TRUE)
  ci <- confint(b)
  for (v in vars)
    add(case, "mean", v, b[[v]], b[[paste0("se.", v)]],
        ci[paste0(b$stype, ":", v), , drop = FALSE], b[[paste0("DEff.", v)]],
        domain = paste0("stype=", b$stype))
}
# Quantiles with R's defaults (qrule = "math", interval.type = "mean"), case "<case>/quantile":
#   svyquantile(~api00 + meals + enroll, des, probs, na.rm = TRUE, ci = TRUE)
#   svyby(~api00, ~stype, des, svyquantile, quantiles = p, ci = TRUE, vartype = c("se", "ci"))
quantiles <- function(case, des) {
  case <- paste0(case, "/quantile")
  q <- svyquantile(~api00 + meals + enroll, des, c(0.1, 0.25, 0.5, 0.75, 0.9), na.rm = TRUE,
                   ci = TRUE)
  for (v in names(q))
    add(case, "quantile", v, q[[v]][, 1], q[[v]][, 4], q[[v]][, 2:3, drop = FALSE],
        level = rownames(q[[v]]))
  for (p in c(0.25, 0.5)) {
    b <- svyby(~api00, ~stype, des, svyquantile, quantiles = p, ci = TRUE,
               vartype = c("se", "ci"))
    add(case, "quantile", "api00", coef(b), SE(b), cbind(b$ci_l, b$ci_u), level = p,
        domain = paste0("stype=", b$stype))
  }
}
# Two-way tables, case "<case>/crosstab": svychisq(~a + b, des, statistic = s) for
# s in F, Chisq, adjWald, stored as estimate = statistic, se = p-value, ci_low = ndf
# (df for Chisq), ci_high = ddf; and the cell shares svymean(~interaction(stype, sch.wide), des)
crosstabs <- function(case, des) {
  case <- paste0(case, "/crosstab")
  for (f in c(~stype + sch.wide, ~stype + mealcat)) {
    label <- paste(all.vars(f), collapse = "~")
    for (s in c("F", "Chisq", "adjWald")) {
      x <- svychisq(f, des, statistic = s)
      par <- if (s == "Chisq") c(x$parameter, NA) else x$parameter
      add(case, paste0("chisq:", s), label, x$statistic, x$p.value, matrix(par, nrow = 1))
    }
  }
  m <- svymean(~interaction(stype, sch.wide), des)
  cells <- expand.grid(stype = sort(unique(des$variables$stype)),
                       sch.wide = sort(unique(des$variables$sch.wide)))
  add(case, "share", "stype", coef(m), SE(m), confint(m), level = as.character(cells$stype),
      domain = paste0("sch.wide=", cells$sch.wide))
}
# Models, case "<case>/glm": coef, SE and confint() of
#   svyglm(api00 ~ enroll + meals + stype, des)
#   svyglm(yes ~ meals + stype, des, family = quasibinomial(),
#          control = glm.control(epsilon = 1e-14, maxit = 100))  (converged fully)
models <- function(case, des) {
  case <- paste0(case, "/glm")
  m <- svyglm(api00 ~ enroll + meals + stype, des)
  add(case, "glm:gaussian", names(coef(m)), coef(m), SE(m), confint(m))
  m <- svyglm(yes ~ meals + stype, des, family = quasibinomial(),
              control = glm.control(epsilon = 1e-14, maxit = 100))
  add(case, "glm:quasibinomial", names(coef(m)), coef(m), SE(m), confint(m))
}
standard <- function(case, des, domain2 = TRUE) {
  means(case, des)
  models(case, des)
  crosstabs(case, des)
  quantiles(case, des)
  joint_na(case, des)
  stat(case, "total", svytotal(~enroll, des, na.rm = TRUE, deff = TRUE), deff = TRUE)
  r <- svyratio(~api.stu, ~enroll, des, na.rm = TRUE, deff = TRUE)
  add(case, "ratio", "api.stu/enroll", coef(r), SE(r), confint(r), attr(r, "deff"))
  for (v in c("api00", "enroll")) {
    b <- svyby(as.formula(paste("~", v)), ~stype, des, svymean, na.rm = TRUE, deff = TRUE)
    by_stat(case, "mean", v, b, "stype", deff = TRUE)
  }
  b <- svyby(~enroll, ~stype, des, svytotal, na.rm = TRUE, deff = TRUE)
  by_stat(case, "total", "enroll", b, "stype", deff = TRUE)
  b <- svyby(~api.stu, ~stype, des, svyratio, denominator = ~enroll, na.rm = TRUE)
  by_stat(case, "ratio", "api.stu/enroll", b, "stype")
  if (domain2) {
    b <- svyby(~api00, ~stype + sch.wide, des, svymean, deff = TRUE)
    by_stat(case, "mean", "api00", b, c("stype", "sch.wide"), deff = TRUE)
  }
  for (m in c("logit", "xlogit", "beta", "mean")) {
    p <- svyciprop(~I(sch.wide == "Yes"), des, method = m)
    add(case, paste0("proportion:", m), "sch.wide", coef(p), SE(p),
        matrix(attr(p, "ci"), nrow = 1), level = "Yes")
    b <- svyby(~I(sch.wide == "Yes"), ~stype, des, svyciprop, method = m,
               vartype = c("se", "ci"))
    dom <- paste0("stype=", b$stype)
    add(case, paste0("proportion:", m), "sch.wide", coef(b), SE(b),
        cbind(b$ci_l, b$ci_u), level = "Yes", domain = dom)
  }
}

# SRS with fpc: svydesign(id = ~1, weights = ~pw, fpc = ~fpc, data = apisrs)
srs <- svydesign(id = ~1, weights = ~pw, fpc = ~fpc, data = apisrs)
standard("srs", srs)
# Stratified with fpc: svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
standard("strat", strat)
# One-stage cluster with fpc: svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
standard("clus1", clus1)
stat("clus1", "mean", svymean(~avg.ed, clus1, na.rm = TRUE, deff = TRUE), deff = TRUE)
# Two-stage with fpc at both stages, weights implied by fpc:
# svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
clus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
standard("clus2", clus2)
# Two-stage, weights only (with replacement, first stage only):
# svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
clus2w <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
standard("clus2w", clus2w)

# Weighting. Raking to convergence: epsilon < 1 means a fraction of the total weight.
tight <- list(maxit = 1000, epsilon = 1e-13)
calibrated <- function(case, des) {
  means(case, des)
  models(case, des)
  crosstabs(case, des)
  quantiles(case, des)
  joint_na(case, des)
  stat(case, "total", svytotal(~enroll, des, na.rm = TRUE, deff = TRUE), deff = TRUE)
  stat(case, "mean", svymean(~avg.ed, des, na.rm = TRUE, deff = TRUE), deff = TRUE)
  r <- svyratio(~api.stu, ~enroll, des, na.rm = TRUE, deff = TRUE)
  add(case, "ratio", "api.stu/enroll", coef(r), SE(r), confint(r), attr(r, "deff"))
  b <- svyby(~api00, ~stype, des, svymean, deff = TRUE)
  by_stat(case, "mean", "api00", b, "stype", deff = TRUE)
  b <- svyby(~api00, ~comp.imp, des, svymean, deff = TRUE)
  by_stat(case, "mean", "api00", b, "comp.imp", deff = TRUE)
  for (m in c("logit", "beta")) {
    p <- svyciprop(~I(comp.imp == "Yes"), des, method = m)
    add(case, paste0("proportion:", m), "comp.imp", coef(p), SE(p),
        matrix(attr(p, "ci"), nrow = 1), level = "Yes")
    b <- svyby(~I(comp.imp == "Yes"), ~stype, des, svyciprop, method = m,
               vartype = c("se", "ci"))
    add(case, paste0("proportion:", m), "comp.imp", coef(b), SE(b),
        cbind(b$ci_l, b$ci_u), level = "Yes", domain = paste0("stype=", b$stype))
  }
}
# postStratify(clus1, ~stype, pop.types)
calibrated("clus1/poststratify", postStratify(clus1, ~stype, pop.types))
# postStratify(clus2, ~stype, pop.types): two stages and post-stratification
calibrated("clus2/poststratify", postStratify(clus2, ~stype, pop.types))
# rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide), control = tight)
calibrated("clus1/rake", rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                              control = tight))
# rake(strat, list(~sch.wide, ~comp.imp), ...): comp.imp margin from the weighted sample
pop.compimp <- data.frame(comp.imp = c("No", "Yes"), Freq = c(2000, 4194))
calibrated("strat/rake", rake(strat, list(~sch.wide, ~comp.imp),
                              list(pop.schwide, pop.compimp), control = tight))
# calibrate(clus1, ~stype + api99, c(6194, 755, 1018, 3914069))  (linear GREG)
pop.greg <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = api99.total)
calibrated("clus1/calibrate", calibrate(clus1, ~stype + api99, pop.greg))
# calibrate(clus2, ~stype + api99, ...) on the two-stage design
calibrated("clus2/calibrate", calibrate(clus2, ~stype + api99, pop.greg))
# Collinear controls: intercept plus both indicators of sch.wide. regcalibrate()'s
# solve() would stop, so finite bounds send R through grake() (MASS::ginv), and the
# variance uses qr() on the rank-deficient model matrix:
# calibrate(clus1, ~stype + I(sch.wide == "No") + I(sch.wide == "Yes") + api99, pop,
#           bounds = c(-1e10, 1e10))
f.col <- ~stype + I(sch.wide == "No") + I(sch.wide == "Yes") + api99
pop.col <- setNames(c(6194, 755, 1018, 1072, 5122, api99.total),
                    colnames(model.matrix(f.col, apiclus1)))
col <- calibrate(clus1, f.col, pop.col, bounds = c(-1e10, 1e10))
calibrated("clus1/calibrate-collinear", col)

# Lonely PSUs (stratum c has one PSU), each option of options(survey.lonely.psu = ):
# svydesign(id = ~psu, strata = ~st, weights = ~w, data = lonely); svymean(~y); svytotal(~y)
lonely <- data.frame(y = c(1, 2, 3, 4, 5, 7, 9), st = c("a", "a", "b", "b", "c", "d", "d"),
                     psu = 1:7, w = c(1, 2, 1, 2, 3, 1, 1))
write.csv(lonely, file.path(out_dir, "data", "lonely.csv"), row.names = FALSE)
for (o in c("adjust", "average", "remove", "certainty")) {
  options(survey.lonely.psu = o)
  d <- svydesign(id = ~psu, strata = ~st, weights = ~w, data = lonely)
  stat(paste0("lonely-", o), "mean", svymean(~y, d))
  stat(paste0("lonely-", o), "total", svytotal(~y, d))
}
options(survey.lonely.psu = "fail")

ref <- do.call(rbind, rows)
write.csv(ref, file.path(out_dir, "survey_reference.csv"), row.names = FALSE)
cat("wrote", nrow(ref), "reference rows\n")
