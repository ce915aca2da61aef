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
write_data <- function(d, name, extra) {
  d <- d[, c(keep, extra)]
  write.csv(d, file.path(out_dir, "data", paste0(name, ".csv")), row.names = FALSE, na = "")
}
write_data(apisrs, "apisrs", "fpc")
write_data(apistrat, "apistrat", "fpc")
write_data(apiclus1, "apiclus1", "fpc")
write_data(apiclus2, "apiclus2", c("fpc1", "fpc2"))

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
standard <- function(case, des, domain2 = TRUE) {
  means(case, des)
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
