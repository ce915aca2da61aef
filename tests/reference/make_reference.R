# Reference numbers for tests/test_estimate.py, tests/test_estimate_demo.py and
# tests/test_weight.py.
#
# Run from the repository root with R >= 4.2 and survey 4.1.1:
#     .venv/bin/python tests/reference/export_demo.py   # demo towns -> data/demo_*.csv
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
          "sch.wide", "comp.imp", "avg.ed", "meals", "ell", "mobility", "pw")
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

# GLM responses that are not numbers (issue #12), case "<case>/glm-response/<kind>":
# coef, SE and confint() of
#   svyglm(I(sch.wide == "Yes") ~ ell + meals + mobility, des, family = quasibinomial(),
#          control = glm.control(epsilon = 1e-14, maxit = 100))     kind "logical": TRUE = 1
#   svyglm(sch.wide ~ ell + meals + mobility, des, family = quasibinomial(), control = ...)
#                                 kind "factor": levels No, Yes; the first level is failure
#   svyglm(I(sch.wide == "Yes") ~ ell + meals + mobility, des)       gaussian, kind "logical"
# on strat and clus1 (clus1's intercept is the +1.726 of the issue). R fits a 3-level factor
# response (stype) as P(not the first level) without a word; Design.glm refuses it.
glm_rows <- function(case, des) {
  m <- svyglm(I(sch.wide == "Yes") ~ ell + meals + mobility, des, family = quasibinomial(),
              control = glm.control(epsilon = 1e-14, maxit = 100))
  add(paste0(case, "/glm-response/logical"), "glm:quasibinomial", names(coef(m)), coef(m),
      SE(m), confint(m))
  f <- svyglm(sch.wide ~ ell + meals + mobility, des, family = quasibinomial(),
              control = glm.control(epsilon = 1e-14, maxit = 100))
  stopifnot(is.factor(des$variables$sch.wide), levels(des$variables$sch.wide) == c("No", "Yes"),
            isTRUE(all.equal(coef(f), coef(m), tolerance = 1e-12)))
  add(paste0(case, "/glm-response/factor"), "glm:quasibinomial", names(coef(f)), coef(f),
      SE(f), confint(f))
  g <- svyglm(I(sch.wide == "Yes") ~ ell + meals + mobility, des)
  add(paste0(case, "/glm-response/logical"), "glm:gaussian", names(coef(g)), coef(g), SE(g),
      confint(g))
}
glm_strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc,
                       data = transform(apistrat, sch.wide = factor(sch.wide)))
glm_rows("strat", glm_strat)
glm_rows("clus1", svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc,
                            data = transform(apiclus1, sch.wide = factor(sch.wide))))

# Lonely PSUs in domains and subsets (issue #12). R subsets an uncalibrated design to a
# domain's rows (svyby, subset) and to the rows with an answer (na.rm = TRUE, svyglm's
# na.omit): a stratum without such rows does not exist for onestage(), so "fail" stops only
# when the lonely stratum is touched and "average" multiplies by (strata present) / (present
# strata with 2+ PSUs), NaN when all present strata are lonely. A calibrated design keeps
# every row (zero weights), so every stratum counts. The data, lonely_domains:
#   strata a (PSUs 1-3), b (4-5), c (6: the lonely one), d (7-10), 2-3 rows per PSU;
#   g: "x" in a, b, d (not c; in d PSUs 7, 8, 10 only), "y" in a, c, d (not b), "z" only c;
#   h: "p"/"q" in a, b, d and missing in c (no domain of h touches c);
#   y2 missing in all of b, y3 missing in all of c; x1 a covariate; k post-strata.
# des <- svydesign(id = ~psu, strata = ~st, weights = ~w, data = lonely_domains), then
# case "lonely-domain-<option>" for each options(survey.lonely.psu = option):
#   svyby(~y, ~g, des, svymean, deff = TRUE); svyby(~y, ~g, des, svytotal, deff = TRUE);
#   svyby(~y, ~g, des, svyratio, denominator = ~x1)          (all but "fail": g touches c)
#   svymean(~y2, des, na.rm = TRUE, deff = TRUE); svyglm(y2 ~ x1, des)      (all but "fail")
#   svyby(~y, ~h, des, svymean, deff = TRUE); svymean(~y3, des, na.rm = TRUE, deff = TRUE);
#   svyglm(y3 ~ x1, des); svycontrast(svyglm(y2 ~ 0 + h, des), c(1, -1))  (every option: the
#   difference p - q of Design.compare, statistic "compare:pair", domain "p|q", no CI)
# and case "lonely-domain-<option>/poststratify", ps <- postStratify(des, ~k, pop.k):
#   svyby(~y, ~g, ps, svymean); svyby(~y, ~h, ps, svymean)    (all but "fail", where R stops)
lonely_domains <- data.frame(
  st = rep(c("a", "b", "c", "d"), c(6, 4, 3, 8)),
  psu = c(1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10),
  g = c("x", "y", "x", "x", "y", "x", "x", "x", "x", "x", "y", "y", "z",
        "x", "y", "x", "x", "y", "y", "x", "x"),
  w = c(2, 2, 3, 3, 2, 2, 5, 5, 4, 4, 6, 6, 6, 1, 1, 2, 2, 1, 1, 3, 3),
  y = c(8.1, 10.6, 7.5, 14.8, 11, 7.5, 11.5, 12.2, 11.7, 9.1, 14.5, 11.2, 8.1, 3.4, 13.4,
        9.9, 10, 12.8, 12.5, 11.8, 12.8),
  x1 = c(3, 5, 2, 7, 6, 4, 5, 6, 5, 3, 8, 6, 2, 1, 7, 4, 5, 6, 7, 5, 6),
  k = rep(c("f", "m"), length.out = 21))
lonely_domains$h <- ifelse(lonely_domains$st == "c", NA,
                           ifelse(lonely_domains$psu %% 2 == 0, "p", "q"))
lonely_domains$y2 <- ifelse(lonely_domains$st == "b", NA, lonely_domains$y + 1)
lonely_domains$y3 <- ifelse(lonely_domains$st == "c", NA, 2 * lonely_domains$y)
write.csv(lonely_domains, file.path(out_dir, "data", "lonely_domains.csv"), row.names = FALSE,
          na = "")
pop.k <- data.frame(k = c("f", "m"), Freq = c(40, 35))
fails <- function(expr) inherits(try(expr, silent = TRUE), "try-error")
for (o in c("average", "adjust", "remove", "certainty", "fail")) {
  options(survey.lonely.psu = o)
  case <- paste0("lonely-domain-", o)
  des <- svydesign(id = ~psu, strata = ~st, weights = ~w, data = lonely_domains)
  ps <- postStratify(des, ~k, pop.k)
  if (o != "fail") {
    by_stat(case, "mean", "y", svyby(~y, ~g, des, svymean, deff = TRUE), "g", deff = TRUE)
    by_stat(case, "total", "y", svyby(~y, ~g, des, svytotal, deff = TRUE), "g", deff = TRUE)
    by_stat(case, "ratio", "y/x1", svyby(~y, ~g, des, svyratio, denominator = ~x1), "g")
    stat(case, "mean", svymean(~y2, des, na.rm = TRUE, deff = TRUE), deff = TRUE)
    m <- svyglm(y2 ~ x1, des)
    add(case, "glm:gaussian", paste0("y2~", names(coef(m))), coef(m), SE(m), confint(m))
    by_stat(paste0(case, "/poststratify"), "mean", "y", svyby(~y, ~g, ps, svymean), "g")
    by_stat(paste0(case, "/poststratify"), "mean", "y", svyby(~y, ~h, ps, svymean), "h")
  } else {
    # R stops: the domains of g touch stratum c, so does y2's complete cases, and a
    # calibrated design keeps stratum c in every domain
    stopifnot(fails(svyby(~y, ~g, des, svymean)), fails(svymean(~y2, des, na.rm = TRUE)),
              fails(svyglm(y2 ~ x1, des)), fails(svyby(~y, ~h, ps, svymean)),
              fails(svymean(~y, subset(ps, g == "x"))))
  }
  by_stat(case, "mean", "y", svyby(~y, ~h, des, svymean, deff = TRUE), "h", deff = TRUE)
  stat(case, "mean", svymean(~y3, des, na.rm = TRUE, deff = TRUE), deff = TRUE)
  m <- svyglm(y3 ~ x1, des)
  add(case, "glm:gaussian", paste0("y3~", names(coef(m))), coef(m), SE(m), confint(m))
  con <- svycontrast(svyglm(y2 ~ 0 + h, des), c(1, -1))
  add(case, "compare:pair", "y2", coef(con), SE(con), matrix(NA, 1, 2), domain = "p|q")
}
# A lonely unit at stage 2 (PSU 3 holds one sampled school of 4), case "lonely-stage2-<option>":
# svydesign(id = ~p + s, fpc = ~f1 + f2, data = lonely_stage2); svymean(~y, des) and
# svyby(~y, ~g, des, svymean): under "average" the PSU's only stratum is lonely, so the
# variance is NaN wherever PSU 3 is present (overall, g = "b") and finite elsewhere (g = "a")
lonely_stage2 <- data.frame(p = c(1, 1, 2, 2, 3, 4, 4), s = 1:7, y = c(1, 3, 2, 5, 4, 7, 3),
                            f1 = 10, f2 = c(5, 5, 6, 6, 4, 8, 8),
                            g = c("a", "b", "a", "a", "b", "b", "a"))
write.csv(lonely_stage2, file.path(out_dir, "data", "lonely_stage2.csv"), row.names = FALSE)
for (o in c("average", "adjust", "remove", "certainty")) {
  options(survey.lonely.psu = o)
  des <- svydesign(id = ~p + s, fpc = ~f1 + f2, data = lonely_stage2)
  stat(paste0("lonely-stage2-", o), "mean", svymean(~y, des))
  by_stat(paste0("lonely-stage2-", o), "mean", "y", svyby(~y, ~g, des, svymean), "g")
}
options(survey.lonely.psu = "fail")

# Means of a categorical variable (issue #12), case "<case>/factor-mean", statistic
# "proportion:wald": one row per level, with R's Wald interval (normal quantile) and deff:
#   svymean(~stype, des, deff = TRUE); svymean(~mealcat, des, deff = TRUE); confint(...)
#   svyby(~mealcat, ~sch.wide, des, svymean, deff = TRUE); confint(...)
factor_means <- function(case, des) {
  case <- paste0(case, "/factor-mean")
  for (v in c("stype", "mealcat")) {
    m <- svymean(as.formula(paste0("~", v)), des, deff = TRUE)
    add(case, "proportion:wald", v, coef(m), SE(m), confint(m), deff(m),
        level = sub(paste0("^", v), "", names(coef(m))))
  }
  b <- svyby(~mealcat, ~sch.wide, des, svymean, deff = TRUE)
  nm <- names(coef(b))  # "No:mealcata.low"
  add(case, "proportion:wald", "mealcat", coef(b), unlist(SE(b)), confint(b), as.matrix(deff(b)),
      level = sub("^mealcat", "", sub("^[^:]*:", "", nm)),
      domain = paste0("sch.wide=", sub(":.*$", "", nm)))
}
for (case in c("srs", "strat", "clus1", "clus2", "clus2w"))
  factor_means(case, get(case))
# and on weighted designs: the rake and the GREG of clus1 above
factor_means("clus1/rake", rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                                control = tight))
factor_means("clus1/calibrate", calibrate(clus1, ~stype + api99, pop.greg))

# Design effects against simple random sampling with replacement (issue #12), case
# "<case>/deff-replace": svymean(~api00 + enroll, des, na.rm = TRUE, deff = "replace");
# svytotal(~enroll, des, na.rm = TRUE, deff = "replace");
# svyratio(~api.stu, ~enroll, des, na.rm = TRUE, deff = "replace");
# svyby(~api00, ~stype, des, svymean, deff = "replace")
deff_replace <- function(case, des) {
  case <- paste0(case, "/deff-replace")
  stat(case, "mean", svymean(~api00 + enroll, des, na.rm = TRUE, deff = "replace"), deff = TRUE)
  stat(case, "total", svytotal(~enroll, des, na.rm = TRUE, deff = "replace"), deff = TRUE)
  r <- svyratio(~api.stu, ~enroll, des, na.rm = TRUE, deff = "replace")
  add(case, "ratio", "api.stu/enroll", coef(r), SE(r), confint(r), attr(r, "deff"))
  # deff(<svyby>) stops on deff = "replace" in survey 4.1.1 (!"replace"): read the column
  b <- svyby(~api00, ~stype, des, svymean, deff = "replace")
  add(case, "mean", "api00", coef(b), SE(b), confint(b), b[["DEff.api00"]],
      domain = paste0("stype=", b$stype))
}
for (case in c("srs", "strat", "clus1", "clus2", "clus2w"))
  deff_replace(case, get(case))
deff_replace("clus1/rake", rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                                control = tight))

# Population variances (issue #12), case "<case>/var", statistic "var":
#   svyvar(~api00, des); svyvar(~api99na, des, na.rm = TRUE) (R's n/(n-1) counts the rows
#   missing api99na too); svyvar(~api00 + enroll, des, na.rm = TRUE): the matrix, variable =
#   row, level = column, SE from attr(, "var"), CI estimate -/+ qnorm(0.975) SE (confint()
#   does not handle the matrix); svyby(~api00, ~stype, des, svyvar);
#   svyby(~api99na, ~stype, des, svyvar, na.rm = TRUE); confint() of the others
var_rows <- function(case, des) {
  case <- paste0(case, "/var")
  stat(case, "var", svyvar(~api00, des))
  stat(case, "var", svyvar(~api99na, des, na.rm = TRUE))
  v <- svyvar(~api00 + enroll, des, na.rm = TRUE)
  se <- sqrt(diag(attr(v, "var")))
  est <- as.vector(v)
  add(case, "var", rep(rownames(v), 2), est, se,
      cbind(est - qnorm(0.975) * se, est + qnorm(0.975) * se),
      level = rep(colnames(v), each = 2))
  by_stat(case, "var", "api00", svyby(~api00, ~stype, des, svyvar), "stype")
  by_stat(case, "var", "api99na", svyby(~api99na, ~stype, des, svyvar, na.rm = TRUE), "stype")
}
for (case in c("srs", "strat", "clus1", "clus2", "clus2w"))
  var_rows(case, get(case))
var_rows("clus1/rake", rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                            control = tight))
var_rows("clus1/calibrate", calibrate(clus1, ~stype + api99, pop.greg))

# Contrasts and covariance matrices (issue #12), case "<case>/contrast": the covariance of a
# set of estimates (statistic "cov", variable = row, level = column, estimate = vcov entry)
# and linear contrasts with SE and confint() (statistic "contrast:<what>", variable = name):
#   m <- svymean(~api00 + api99, des); vcov(m);
#   svycontrast(m, list(diff = c(1, -1), avg = c(0.5, 0.5)))                        "mean"
#   svycontrast(svytotal(~api.stu + enroll, des, na.rm = TRUE),
#               list(gap = c(api.stu = -1, enroll = 1)))                            "total"
#   b <- svyby(~api00, ~stype, des, svymean, covmat = TRUE); vcov(b) (on a calibrated design
#   svyby(covmat = TRUE) stops in survey 4.1.1, "number of items to replace", so there
#   svyglm(api00 ~ 0 + stype, des), whose coefficients are the domain means with svyby's
#   covariance); svycontrast(b, list(EvH = c(1, -1, 0), EvM = c(1, 0, -1),
#   mid = c(-0.5, 1, -0.5)))                                                        "domain"
#   svycontrast(svyglm(api00 ~ enroll + meals + stype, des), list(HvM = c(stypeH = 1,
#   stypeM = -1)))                                                                  "glm"
# and on the uncalibrated designs only:
#   b2 <- svyby(~api00 + api99, ~stype, des, svymean, covmat = TRUE); vcov(b2) (labels
#   "E:api00"); svycontrast(b2, list(EvH = c(`E:api00` = 1, `E:api99` = -1, `H:api00` = -1,
#   `H:api99` = 1)))                                                           "domain2"
#   r <- svyby(~api.stu, ~stype, subset(des, !is.na(api.stu / enroll)), svyratio,
#              denominator = ~enroll, covmat = TRUE)  (svyby(covmat = TRUE, na.rm = TRUE)
#   stops with the error above when values are missing: clus2);
#   vcov(r); svycontrast(r, list(EvH = c(1, -1, 0)))                              "ratio"
con_rows <- function(case, des) {
  case <- paste0(case, "/contrast")
  covrows <- function(what, v, labels = rownames(v)) {
    add(case, paste0("cov:", what), rep(labels, ncol(v)), as.vector(v), NA,
        matrix(NA, length(v), 2), level = rep(labels, each = nrow(v)))
  }
  con <- function(what, stat, cons) {  # one contrast comes back without its name
    s <- svycontrast(stat, cons)
    add(case, paste0("contrast:", what), names(cons), coef(s), SE(s), confint(s))
  }
  m <- svymean(~api00 + api99, des)
  covrows("mean", vcov(m))
  con("mean", m, list(diff = c(1, -1), avg = c(0.5, 0.5)))
  con("total", svytotal(~api.stu + enroll, des, na.rm = TRUE),
      list(gap = c(api.stu = -1, enroll = 1)))
  if (is.null(des$postStrata)) {
    b <- svyby(~api00, ~stype, des, svymean, covmat = TRUE)
  } else {
    b <- svyglm(api00 ~ 0 + stype, des)
  }
  covrows("domain", vcov(b), c("E", "H", "M"))
  con("domain", b, list(EvH = c(1, -1, 0), EvM = c(1, 0, -1), mid = c(-0.5, 1, -0.5)))
  g <- svyglm(api00 ~ enroll + meals + stype, des)
  con("glm", g, list(HvM = c(stypeH = 1, stypeM = -1)))
  if (is.null(des$postStrata)) {
    b2 <- svyby(~api00 + api99, ~stype, des, svymean, covmat = TRUE)
    covrows("domain2", vcov(b2))
    con("domain2", b2, list(EvH = c(`E:api00` = 1, `E:api99` = -1, `H:api00` = -1,
                                    `H:api99` = 1)))
    r <- svyby(~api.stu, ~stype, subset(des, !is.na(api.stu / enroll)), svyratio,
               denominator = ~enroll, covmat = TRUE)
    covrows("ratio", vcov(r))
    con("ratio", r, list(EvH = c(1, -1, 0)))
  }
}
for (case in c("srs", "strat", "clus1", "clus2", "clus2w"))
  con_rows(case, get(case))
con_rows("clus1/rake", rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                            control = tight))
con_rows("clus1/calibrate", calibrate(clus1, ~stype + api99, pop.greg))

# Subsets that keep the design (issue #12), case "<case>/subset": with e <- subset(des,
# stype == "E") (an uncalibrated design drops the other rows but keeps each stratum's n_h;
# a calibrated one keeps them with zero weight):
#   svyglm(api00 ~ ell + meals + mobility, e); svyglm(yes ~ ell + meals, e,
#   family = quasibinomial(), control = glm.control(epsilon = 1e-14, maxit = 100));
#   svymean(~api00 + enroll, e, na.rm = TRUE); svyvar(~api00, e);
#   svyciprop(~I(sch.wide == "Yes"), e, method = "beta") (nrow(e) and degf(e) count);
#   svyquantile(~api00, e, c(0.25, 0.5), ci = TRUE); svyby(~api00, ~sch.wide, e, svymean)
#   and with s <- subset(des, stype != "H"): svychisq(~sch.wide + comp.imp, s) (F, "Chisq")
subset_rows <- function(case, des) {
  case <- paste0(case, "/subset")
  e <- subset(des, stype == "E")
  m <- svyglm(api00 ~ ell + meals + mobility, e)
  add(case, "glm:gaussian", names(coef(m)), coef(m), SE(m), confint(m))
  m <- svyglm(yes ~ ell + meals, e, family = quasibinomial(),
              control = glm.control(epsilon = 1e-14, maxit = 100))
  add(case, "glm:quasibinomial", names(coef(m)), coef(m), SE(m), confint(m))
  stat(case, "mean", svymean(~api00 + enroll, e, na.rm = TRUE))
  stat(case, "var", svyvar(~api00, e))
  p <- svyciprop(~I(sch.wide == "Yes"), e, method = "beta")
  add(case, "proportion:beta", "sch.wide", coef(p), SE(p), matrix(attr(p, "ci"), nrow = 1),
      level = "Yes")
  q <- svyquantile(~api00, e, c(0.25, 0.5), ci = TRUE)
  add(case, "quantile", "api00", q$api00[, 1], q$api00[, 4], q$api00[, 2:3, drop = FALSE],
      level = rownames(q$api00))
  by_stat(case, "mean", "api00", svyby(~api00, ~sch.wide, e, svymean), "sch.wide")
  s <- subset(des, stype != "H")
  for (st in c("F", "Chisq")) {
    x <- svychisq(~sch.wide + comp.imp, s, statistic = st)
    par <- if (st == "Chisq") c(x$parameter, NA) else x$parameter
    add(case, paste0("chisq:", st), "sch.wide~comp.imp", x$statistic, x$p.value,
        matrix(par, nrow = 1))
  }
}
for (case in c("srs", "strat", "clus1", "clus2", "clus2w"))
  subset_rows(case, get(case))
subset_rows("clus1/rake", rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                               control = tight))
subset_rows("clus1/calibrate", calibrate(clus1, ~stype + api99, pop.greg))
# and a lonely PSU, case "lonely-subset-<option>": x <- subset(des, g == "x") of the
# lonely_domains design (g == "x" does not touch the lonely stratum c, so "fail" works):
#   svymean(~y, x); svyglm(y ~ x1, x) (domain / prefix "x"); and for "average" and "adjust"
#   the same on subset(des, g != "z"), which touches c (domain / prefix "not-z")
for (o in c("fail", "average", "adjust")) {
  options(survey.lonely.psu = o)
  case <- paste0("lonely-subset-", o)
  des <- svydesign(id = ~psu, strata = ~st, weights = ~w, data = lonely_domains)
  for (keep in c("x", "not-z")) {
    if (o == "fail" && keep == "not-z") next
    s <- if (keep == "x") subset(des, g == "x") else subset(des, g != "z")
    y <- svymean(~y, s)
    add(case, "mean", "y", coef(y), SE(y), confint(y), domain = keep)
    m <- svyglm(y ~ x1, s)
    add(case, "glm:gaussian", paste0(keep, "~", names(coef(m))), coef(m), SE(m), confint(m))
  }
}
options(survey.lonely.psu = "fail")

# GLM families (issue #12), case "<case>/glm-family": coef, SE and confint() of
#   svyglm(enroll ~ meals + ell + stype, des, family = poisson())              "glm:poisson"
#   svyglm(enroll ~ meals + ell + stype, des, family = quasipoisson())    "glm:quasipoisson"
#   svyglm(yes ~ meals + stype, des, family = binomial())                     "glm:binomial"
# each with control = glm.control(epsilon = 1e-14, maxit = 100); binomial warns about
# non-integer successes (survey weights) and gives quasibinomial's numbers, as the R calls
# below check; na.omit drops clus2's schools without enroll
family_rows <- function(case, des) {
  case <- paste0(case, "/glm-family")
  p <- svyglm(enroll ~ meals + ell + stype, des, family = poisson(),
              control = glm.control(epsilon = 1e-14, maxit = 100))
  q <- svyglm(enroll ~ meals + ell + stype, des, family = quasipoisson(),
              control = glm.control(epsilon = 1e-14, maxit = 100))
  b <- suppressWarnings(svyglm(yes ~ meals + stype, des, family = binomial(),
                               control = glm.control(epsilon = 1e-14, maxit = 100)))
  qb <- svyglm(yes ~ meals + stype, des, family = quasibinomial(),
               control = glm.control(epsilon = 1e-14, maxit = 100))
  stopifnot(isTRUE(all.equal(coef(p), coef(q), tolerance = 1e-10)),
            isTRUE(all.equal(SE(p), SE(q), tolerance = 1e-10)),
            isTRUE(all.equal(coef(b), coef(qb), tolerance = 1e-10)),
            isTRUE(all.equal(SE(b), SE(qb), tolerance = 1e-10)))
  for (m in list(list("poisson", p), list("quasipoisson", q), list("binomial", b)))
    add(case, paste0("glm:", m[[1]]), names(coef(m[[2]])), coef(m[[2]]), SE(m[[2]]),
        confint(m[[2]]))
}
for (case in c("srs", "strat", "clus1", "clus2", "clus2w"))
  family_rows(case, get(case))
family_rows("clus1/rake", rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                               control = tight))
family_rows("clus1/calibrate", calibrate(clus1, ~stype + api99, pop.greg))

# Likelihood intervals of proportions (issue #12), case "<case>/likelihood", statistic
# "proportion:likelihood": svyciprop(~I(v == "Yes"), des, method = "likelihood") and
# svyby(~I(v == "Yes"), ~stype, des, svyciprop, method = "likelihood", vartype = c("se", "ci"))
# for v = comp.imp, and sch.wide on the uncalibrated designs (the rake fixes its share).
# R profiles svyglm(y ~ 1, family = quasibinomial) at glm.fit's default tolerance.
likelihood_rows <- function(case, des) {
  case <- paste0(case, "/likelihood")
  for (v in c("comp.imp", if (is.null(des$postStrata)) "sch.wide")) {
    f <- as.formula(paste0("~I(", v, " == \"Yes\")"))
    p <- svyciprop(f, des, method = "likelihood")
    add(case, "proportion:likelihood", v, coef(p), SE(p), matrix(attr(p, "ci"), nrow = 1),
        level = "Yes")
    b <- svyby(f, ~stype, des, svyciprop, method = "likelihood", vartype = c("se", "ci"))
    add(case, "proportion:likelihood", v, coef(b), SE(b), cbind(b$ci_l, b$ci_u),
        level = "Yes", domain = paste0("stype=", b$stype))
  }
}
for (case in c("srs", "strat", "clus1", "clus2", "clus2w"))
  likelihood_rows(case, get(case))
likelihood_rows("clus1/rake", rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                                   control = tight))
likelihood_rows("clus1/calibrate", calibrate(clus1, ~stype + api99, pop.greg))

# Quantile rules and interval types (issue #12), case "<case>/qrule", statistic
# "quantile:<qrule>:<interval.type>":
#   svyquantile(~api00, des, c(0.1, 0.25, 0.5, 0.9), qrule = r, ci = TRUE) for every qrule r
#   (math, school, shahvaish, hf1, ..., hf9), interval.type "mean";
#   svyquantile(~api00 + enroll, des, c(0.25, 0.5), interval.type = t, na.rm = TRUE,
#   ci = TRUE) for t in beta, xlogit, asin (qrule "math"), and with qrule = "hf7";
#   svyby(~api00, ~stype, des, svyquantile, quantiles = 0.5, qrule = "hf7" / "school",
#   interval.type = "mean" / "beta", ci = TRUE, vartype = c("se", "ci"));
# and statistic "proportion:asin": svyciprop(~I(sch.wide == "Yes"), des, method = "asin")
# and its svyby over stype
qrule_rows <- function(case, des) {
  case <- paste0(case, "/qrule")
  qadd <- function(q, rule, type) {
    for (v in names(q))
      add(case, paste0("quantile:", rule, ":", type), v, q[[v]][, 1], q[[v]][, 4],
          q[[v]][, 2:3, drop = FALSE], level = rownames(q[[v]]))
  }
  rules <- c("math", "school", "shahvaish", paste0("hf", 1:9))
  for (r in rules)
    qadd(svyquantile(~api00, des, c(0.1, 0.25, 0.5, 0.9), qrule = r, ci = TRUE), r, "mean")
  for (r in c("math", "hf7"))
    for (t in c("beta", "xlogit", "asin"))
      qadd(svyquantile(~api00 + enroll, des, c(0.25, 0.5), interval.type = t, qrule = r,
                       na.rm = TRUE, ci = TRUE), r, t)
  for (rt in list(c("hf7", "mean"), c("school", "beta"))) {
    b <- svyby(~api00, ~stype, des, svyquantile, quantiles = 0.5, qrule = rt[1],
               interval.type = rt[2], ci = TRUE, vartype = c("se", "ci"))
    add(case, paste0("quantile:", rt[1], ":", rt[2]), "api00", coef(b), SE(b),
        cbind(b$ci_l, b$ci_u), level = 0.5, domain = paste0("stype=", b$stype))
  }
  p <- svyciprop(~I(sch.wide == "Yes"), des, method = "asin")
  add(case, "proportion:asin", "sch.wide", coef(p), SE(p), matrix(attr(p, "ci"), nrow = 1),
      level = "Yes")
  b <- svyby(~I(sch.wide == "Yes"), ~stype, des, svyciprop, method = "asin",
             vartype = c("se", "ci"))
  add(case, "proportion:asin", "sch.wide", coef(b), SE(b), cbind(b$ci_l, b$ci_u),
      level = "Yes", domain = paste0("stype=", b$stype))
}
for (case in c("srs", "strat", "clus1", "clus2", "clus2w"))
  qrule_rows(case, get(case))
qrule_rows("clus1/rake", rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                              control = tight))
qrule_rows("clus1/calibrate", calibrate(clus1, ~stype + api99, pop.greg))

# The score interval of quantiles (issue #12), case "<case>/qrule-score", statistic
# "quantile:<qrule>:score": svyquantile(~api00, des, c(0.25, 0.5, 0.9),
# interval.type = "score", qrule = r, ci = TRUE) for r in math, hf7 (survey:::ffullerCI:
# uniroot on the t statistic, then the qrule at the unweighted share below each root), and
# svyby(~api00, ~stype, des, svyquantile, quantiles = 0.5, interval.type = "score",
# ci = TRUE, vartype = c("se", "ci"))
score_rows <- function(case, des) {
  case <- paste0(case, "/qrule-score")
  for (r in c("math", "hf7")) {
    q <- svyquantile(~api00, des, c(0.25, 0.5, 0.9), interval.type = "score", qrule = r,
                     ci = TRUE)
    add(case, paste0("quantile:", r, ":score"), "api00", q$api00[, 1], q$api00[, 4],
        q$api00[, 2:3, drop = FALSE], level = rownames(q$api00))
  }
  b <- svyby(~api00, ~stype, des, svyquantile, quantiles = 0.5, interval.type = "score",
             ci = TRUE, vartype = c("se", "ci"))
  add(case, "quantile:math:score", "api00", coef(b), SE(b), cbind(b$ci_l, b$ci_u),
      level = 0.5, domain = paste0("stype=", b$stype))
}
# The share mapped back is unweighted (k / n), so with equal weights it meets a cumulative
# weight exactly and the 15 digits of pw in data/*.csv decide the value: these designs are
# built from the CSV files, as the Python tests build theirs
csv <- function(name) read.csv(file.path(out_dir, "data", paste0(name, ".csv")))
clus1.csv <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = csv("apiclus1"))
score_rows("srs", svydesign(id = ~1, weights = ~pw, fpc = ~fpc, data = csv("apisrs")))
score_rows("strat", svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc,
                              data = csv("apistrat")))
score_rows("clus1", clus1.csv)
score_rows("clus2", svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = csv("apiclus2")))
score_rows("clus2w", svydesign(id = ~dnum + snum, weights = ~pw, data = csv("apiclus2")))
score_rows("clus1/rake", rake(clus1.csv, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                              control = tight))
score_rows("clus1/calibrate", calibrate(clus1.csv, ~stype + api99, pop.greg))

# More weighting (issue #12), each checked with calibrated() (means, totals, ratios, domains,
# proportions, quantiles, tables, models):
# rake(clus1, list(~stype + sch.wide, ~comp.imp), list(pop.cross, pop.compimp),
#      control = tight): a crossed margin (stype x sch.wide, from apipop: data/apipop_cross.csv)
pop.cross <- as.data.frame(table(stype = apipop$stype, sch.wide = apipop$sch.wide))
write.csv(pop.cross, file.path(out_dir, "data", "apipop_cross.csv"), row.names = FALSE)
calibrated("clus1/rake-crossed", rake(clus1, list(~stype + sch.wide, ~comp.imp),
                                      list(pop.cross, pop.compimp), control = tight))
# this rake fixes the stype x sch.wide table, so its tests are rounding noise (F ~ 1e26): out
rows <- lapply(rows, function(r) r[!(r$case == "clus1/rake-crossed/crosstab" &
                                     r$variable == "stype~sch.wide" &
                                     startsWith(r$statistic, "chisq:")), , drop = FALSE])
# calibrate(clus1, ~stype + api99, pop.greg, bounds = c(0.4, 1.6))      (bounded linear)
calibrated("clus1/calibrate-bounded", calibrate(clus1, ~stype + api99, pop.greg,
                                                bounds = c(0.4, 1.6)))
# calibrate(clus1, ~stype + api99, pop.greg, calfun = "raking")
calibrated("clus1/calibrate-raking", calibrate(clus1, ~stype + api99, pop.greg,
                                               calfun = "raking"))
# calibrate(clus1, ~stype + api99, pop.greg, calfun = "logit", bounds = c(0.7, 1.7))
calibrated("clus1/calibrate-logit", calibrate(clus1, ~stype + api99, pop.greg,
                                              calfun = "logit", bounds = c(0.7, 1.7)))
# trimWeights(rake(clus1, ...as clus1/rake...), upper = 55, strict = TRUE): the raking's
# variance step stays; trimWeights(strat, upper = 40, lower = 18, strict = TRUE)
calibrated("clus1/rake-trim",
           trimWeights(rake(clus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                            control = tight), upper = 55, strict = TRUE))
calibrated("strat/trim", trimWeights(strat, upper = 40, lower = 18, strict = TRUE))

# ---------------------------------------------------------------- demo towns
# Written by tests/reference/export_demo.py (our readers, cleaning and item scoring):
# data/demo_<town>.csv and data/demo_<town>_margins.csv (age_band x sex population).
# Each town is an equal-probability sample svydesign(id = ~1, data = d), weighted
# two ways to its margins, case "demo-<town>/<weighting>":
#   postStratify(des, ~age_band + sex, margins)                      "poststratify"
#   rake(des, list(~age_band, ~sex), list(by age, by sex), control = tight)  "rake"
demo_towns <- c("kwidzyn", "brzeg", "cieszyn", "krotoszyn")
demo_means <- c("trust", "life_in_town", "cohesion")
demo_props <- c("part_volunteer", "internet_use")
cell_pairs <- function(lv) { p <- combn(length(lv), 2); p }
# Domain comparisons of variable v across district, rows "compare:*" (see test_estimate_demo.py):
#   b <- svyglm(v ~ 0 + district, des)  (domain means with their joint covariance, as
#   svyby(~v, ~district, des, svymean, covmat = TRUE), which fails on these designs)
#   svycontrast(b, <each pair a - b>)          "compare:pair": difference, SE, t-CI on df
#   m <- svyglm(v ~ district, des); df = m$df.residual; t = est/SE, p = 2 pt(-|t|, df)
#                                               "compare:pair:test": t, p, df, effect size
#   regTermTest(m, ~district)                   "compare:F": F, p, ndf, ddf
#   svyttest(v ~ I(district == d), des): difference of district d and the other districts,
#   SE = estimate / t, t, p, df, t-CI      "compare:rest", "compare:rest:test", "compare:rest:ci"
# Effect sizes by hand from weights(des): Cohen's d = diff / sqrt((N_a s_a^2 + N_b s_b^2) /
# (N_a + N_b)), s_g^2 = n_g / (n_g - 1) * sum(w (v - mean_g)^2) / N_g over respondents with an
# answer; Cohen's h = 2 asin(sqrt(p_a)) - 2 asin(sqrt(p_b)).
compare_rows <- function(case, des, v, kind) {
  d <- des$variables
  w <- weights(des)
  ok <- !is.na(d[[v]]) & !is.na(d$district) & w != 0
  grp <- function(inside) {
    s <- ok & inside
    N <- sum(w[s]); m <- sum(w[s] * d[[v]][s]) / N; n <- sum(s)
    list(N = N, m = m, var = n / (n - 1) * sum(w[s] * (d[[v]][s] - m)^2) / N)
  }
  effect <- function(a, b) {
    if (kind == "mean") (a$m - b$m) / sqrt((a$N * a$var + b$N * b$var) / (a$N + b$N))
    else 2 * asin(sqrt(a$m)) - 2 * asin(sqrt(b$m))
  }
  # The joint covariance of the domain means: svyby(~v, ~district, des, svymean, covmat = TRUE)
  # stops with an error on these calibrated designs in survey 4.1.1 ("number of items to
  # replace"), so it comes from the one-way model without intercept, whose coefficients are
  # the domain means and whose sandwich covariance is svyby's: svyglm(v ~ 0 + district, des)
  b <- svyglm(as.formula(paste(v, "~ 0 + district")), des)
  lv <- sub("^district", "", names(coef(b)))
  m <- svyglm(as.formula(paste(v, "~ district")), des)
  df <- m$df.residual
  pr <- combn(length(lv), 2)
  cons <- lapply(seq_len(ncol(pr)), function(k) { x <- rep(0, length(lv)); x[pr[1, k]] <- 1;
                                                  x[pr[2, k]] <- -1; x })
  con <- svycontrast(b, cons)
  est <- coef(con); se <- SE(con); t <- est / se
  dom <- paste(lv[pr[1, ]], lv[pr[2, ]], sep = "|")
  add(case, "compare:pair", v, est, se, cbind(est - qt(0.975, df) * se, est + qt(0.975, df) * se),
      domain = dom)
  eff <- sapply(seq_len(ncol(pr)), function(k)
    effect(grp(d$district == lv[pr[1, k]]), grp(d$district == lv[pr[2, k]])))
  add(case, "compare:pair:test", v, t, 2 * pt(-abs(t), df), cbind(rep(df, length(t)), eff),
      domain = dom)
  r <- regTermTest(m, ~district)
  add(case, "compare:F", v, r$Ftest, r$p, matrix(c(r$df, r$ddf), nrow = 1))
  for (a in lv) {
    inside <- !is.na(d$district) & d$district == a
    tt <- svyttest(as.formula(paste0(v, " ~ I(district == '", a, "')")), des)
    add(case, "compare:rest", v, tt$estimate, tt$statistic^-1 * tt$estimate, matrix(NA, 1, 2),
        domain = a)
    add(case, "compare:rest:test", v, tt$statistic, tt$p.value,
        cbind(tt$parameter, effect(grp(inside), grp(!inside & !is.na(d$district)))), domain = a)
    add(case, "compare:rest:ci", v, tt$estimate, NA, matrix(tt$conf.int, nrow = 1), domain = a)
  }
}
demo_rows <- function(case, des) {
  for (v in demo_means) {
    # svymean(~v, des, na.rm = TRUE, deff = TRUE); svyby(~v, ~district, des, svymean, ...)
    stat(case, "mean", svymean(as.formula(paste("~", v)), des, na.rm = TRUE, deff = TRUE),
         deff = TRUE)
    b <- svyby(as.formula(paste("~", v)), ~district, des, svymean, na.rm = TRUE, deff = TRUE)
    by_stat(case, "mean", v, b, "district", deff = TRUE)
    compare_rows(case, des, v, "mean")
  }
  for (v in demo_props) {
    # svyciprop(~I(v == 1), des, method = m, na.rm = TRUE) and its svyby over district
    # (xlogit rather than logit: the same interval, with the estimate from svymean instead of
    # a glm fit that stops at glm's default tolerance)
    for (m in c("xlogit", "beta")) {
      f <- as.formula(paste0("~I(", v, " == 1)"))
      p <- svyciprop(f, des, method = m, na.rm = TRUE)
      add(case, paste0("proportion:", m), v, coef(p), SE(p), matrix(attr(p, "ci"), nrow = 1),
          level = "1")
      b <- svyby(f, ~district, des, svyciprop, method = m, vartype = c("se", "ci"), na.rm = TRUE)
      add(case, paste0("proportion:", m), v, coef(b), SE(b), cbind(b$ci_l, b$ci_u),
          level = "1", domain = paste0("district=", b$district))
    }
    compare_rows(case, des, v, "proportion")
  }
}
# Reliability, case "reliability-<town>": cohesion items, coh_self reversed (5 - x), complete
# cases. alpha = k/(k-1) (1 - sum(var(item)) / var(sum)), Feldt CI
# 1 - (1 - alpha) qf(c(0.975, 0.025), n - 1, (n - 1)(k - 1)); omega from
# factanal(x, factors = 1) (optimiser run to convergence): (sum l)^2 / ((sum l)^2 + sum(1 - l^2));
# rows "loading" give the loadings (level = item, se = uniqueness).
reliability_rows <- function(case, d) {
  items <- c("coh_belong", "coh_together", "coh_get_on", "coh_trust", "coh_self")
  d$coh_self <- 5 - d$coh_self
  x <- na.omit(d[, items])
  n <- nrow(x); k <- ncol(x)
  alpha <- k / (k - 1) * (1 - sum(apply(x, 2, var)) / var(rowSums(x)))
  ci <- 1 - (1 - alpha) * qf(c(0.975, 0.025), n - 1, (n - 1) * (k - 1))
  add(case, "alpha", "cohesion", alpha, NA, matrix(ci, nrow = 1))
  fa <- factanal(x, factors = 1, control = list(opt = list(factr = 1, pgtol = 0, maxit = 10000)))
  l <- as.vector(fa$loadings[, 1]); l <- l * sign(sum(l))
  add(case, "loading", "cohesion", l, fa$uniquenesses, matrix(NA, k, 2), level = items)
  add(case, "omega", "cohesion", sum(l)^2 / (sum(l)^2 + sum(1 - l^2)), NA, matrix(NA, 1, 2))
}
for (town in demo_towns) {
  d <- read.csv(file.path(out_dir, "data", paste0("demo_", town, ".csv")),
                stringsAsFactors = FALSE, na.strings = "")
  mg <- read.csv(file.path(out_dir, "data", paste0("demo_", town, "_margins.csv")),
                 stringsAsFactors = FALSE)
  des <- svydesign(id = ~1, data = d)
  ps <- postStratify(des, ~age_band + sex,
                     data.frame(age_band = mg$age_band, sex = mg$sex, Freq = mg$population))
  demo_rows(paste0("demo-", town, "/poststratify"), ps)
  by_age <- aggregate(list(Freq = mg$population), list(age_band = mg$age_band), sum)
  by_sex <- aggregate(list(Freq = mg$population), list(sex = mg$sex), sum)
  rk <- rake(des, list(~age_band, ~sex), list(by_age, by_sex), control = tight)
  demo_rows(paste0("demo-", town, "/rake"), rk)
  reliability_rows(paste0("reliability-", town), d)
}

# Multiple testing, case "p.adjust": p.adjust(p, method) for method in holm, BH; estimate is
# the adjusted p-value, se the p-value given, level its position (NA stays NA, not counted).
p_in <- c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.5, 0.9, NA, 0.042)
for (m in c("holm", "BH"))
  add("p.adjust", m, "p", p.adjust(p_in, method = m), p_in, matrix(NA, length(p_in), 2),
      level = seq_along(p_in))

ref <- do.call(rbind, rows)
write.csv(ref, file.path(out_dir, "survey_reference.csv"), row.names = FALSE)
cat("wrote", nrow(ref), "reference rows\n")
