# Reference numbers for tests/test_replicate.py (issue #12): replicate-weight designs
# (svrepdesign, as.svrepdesign), bounded linear calibration on collinear controls, and lonely
# PSUs together with missing values in tables and quantiles.
#
# Run from the repository root with R >= 4.2 and survey 4.1.1, after make_reference.R (it
# reads the api data sets make_reference.R wrote from data(api) to tests/reference/data, so
# both sides read the same numbers, and it takes make_reference.R's helper functions):
#     Rscript tests/reference/replicate_reference.R
# It writes tests/reference/data/replicate_*.csv (the data it builds) and every reference
# result ("%.17g") to tests/reference/replicate_reference.csv, one row per estimate:
# case, statistic, variable, level, domain, estimate, se, ci_low, ci_high, deff (the
# columns of survey_reference.csv). The comments give the R call of each case.
suppressMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
options(survey.lonely.psu = "fail", survey.replicates.mse = FALSE)
out_dir <- "tests/reference"
data_dir <- file.path(out_dir, "data")
# make_reference.R's helpers (add, stat, by_stat, means, models, crosstabs, quantiles,
# joint_na, calibrated, ...): its top-level function definitions, nothing else of it
for (e in parse(file.path(out_dir, "make_reference.R"))) {
  if (is.call(e) && identical(e[[1]], as.name("<-")) && is.call(e[[3]]) &&
      identical(e[[3]][[1]], as.name("function"))) eval(e)
}
rows <- list()
fails <- function(expr) inherits(try(expr, silent = TRUE), "try-error")
read <- function(name) read.csv(file.path(data_dir, paste0(name, ".csv")),
                                stringsAsFactors = FALSE, na.strings = c("NA", ""))
apiclus1 <- read("apiclus1")
apistrat <- read("apistrat")
apiclus2 <- read("apiclus2")
totals <- read("apipop_totals")
pop <- setNames(totals$value, totals$name)

# ------------------------------------------------------------------ the designs
clus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
strat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
clus2w <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
# pairs: the schools of apiclus2's first 30 districts (sorted dnum), districts paired in
# that order into 15 strata of 2 PSUs (pair 1 = the first two districts, ...), for BRR:
# svydesign(id = ~dnum, strata = ~pair, weights = ~pw, data = pairs)
pairs <- apiclus2[apiclus2$dnum %in% sort(unique(apiclus2$dnum))[1:30], ]
pairs$pair <- (match(pairs$dnum, sort(unique(pairs$dnum))) + 1) %/% 2
pairs_des <- svydesign(id = ~dnum, strata = ~pair, weights = ~pw, data = pairs)

# R's replicate weights of a design (weights(rdes, "replication")): one column per replicate
replication <- function(rdes, prefix) {
  w <- as.matrix(weights(rdes, "replication"))
  colnames(w) <- paste0(prefix, seq_len(ncol(w)))
  w
}
# the scale, rscales and degf of a replicate design, as rows (estimate = value)
rep_info <- function(case, rdes) {
  add(case, "scale", "design", rdes$scale, NA, matrix(NA, 1, 2))
  add(case, "rscales", "design", rdes$rscales, NA, matrix(NA, length(rdes$rscales), 2),
      level = seq_along(rdes$rscales))
  add(case, "degf", "design", degf(rdes), NA, matrix(NA, 1, 2))
}

# The statistics of every replicate case "<case>" (all with R's default options):
#   svymean(~api00 + enroll, des, na.rm = TRUE); svymean(~api99na, des, na.rm = TRUE)
#   svymean(~api00 + avg.ed + api99na, des, na.rm = TRUE)                ("<case>/joint-na")
#   svytotal(~enroll, des, na.rm = TRUE); svytotal(~api99na, des, na.rm = TRUE)
#   svyratio(~api.stu, ~enroll, des); svyratio(~api.stu, ~api99na, des, na.rm = TRUE)
#   svymean(~stype, des); svymean(~mealcat, des)          statistic "proportion:wald" (confint)
#   svyby(~api00, ~stype, des, svymean); svyby(~enroll, ~stype, des, svytotal, na.rm = TRUE)
#   svyby(~api.stu, ~stype, des, svyratio, denominator = ~enroll, na.rm = TRUE)
#   svyby(~api00, ~stype + sch.wide, des, svymean); svyby(~api99na, ~stype, des, svymean,
#         na.rm = TRUE); svyby(~mealcat, ~sch.wide, des, svymean)  ("proportion:wald")
#   svyciprop(~I(sch.wide == "Yes"), des, method = m) and svyby(..., svyciprop, method = m)
#         for m in logit, mean, beta, xlogit, asin
#   glm: svyglm(api00 ~ enroll + meals + stype, des); svyglm(api00 ~ api99na + meals, des);
#         svyglm(yes ~ meals + stype, des, family = quasibinomial()) (R's default glm.control)
#   quantiles ("<case>/quantile"): svyquantile(~api00 + enroll, des, c(0.25, 0.5, 0.9),
#         ci = TRUE, na.rm = TRUE); interval.type = "quantile" ("quantile:quantile"), "beta",
#         "xlogit", "asin" for ~api00 at 0.5 ("quantile:<type>"); qrule = "hf7" at 0.25, 0.5
#         ("quantile:hf7"); svyquantile(~api99na, des, 0.5, ci = TRUE, na.rm = TRUE);
#         svyby(~api00, ~stype, des, svyquantile, quantiles = 0.5, ci = TRUE,
#               vartype = c("se", "ci")) and the same with interval.type = "quantile"
rep_standard <- function(case, des) {
  rep_info(case, des)
  stat(case, "mean", svymean(~api00 + enroll, des, na.rm = TRUE))
  stat(case, "mean", svymean(~api99na, des, na.rm = TRUE))
  stat(paste0(case, "/joint-na"), "mean", svymean(~api00 + avg.ed + api99na, des, na.rm = TRUE))
  stat(case, "total", svytotal(~enroll, des, na.rm = TRUE))
  stat(case, "total", svytotal(~api99na, des, na.rm = TRUE))
  r <- svyratio(~api.stu, ~enroll, des, na.rm = TRUE)
  add(case, "ratio", "api.stu/enroll", coef(r), SE(r), confint(r))
  r <- svyratio(~api.stu, ~api99na, des, na.rm = TRUE)
  add(case, "ratio", "api.stu/api99na", coef(r), SE(r), confint(r))
  for (v in c("stype", "mealcat")) {
    m <- svymean(as.formula(paste("~", v)), des)
    add(case, "proportion:wald", v, coef(m), SE(m), confint(m),
        level = sub(paste0("^", v), "", names(coef(m))))
  }
  by_stat(case, "mean", "api00", svyby(~api00, ~stype, des, svymean), "stype")
  by_stat(case, "total", "enroll", svyby(~enroll, ~stype, des, svytotal, na.rm = TRUE), "stype")
  by_stat(case, "ratio", "api.stu/enroll",
          svyby(~api.stu, ~stype, des, svyratio, denominator = ~enroll, na.rm = TRUE), "stype")
  by_stat(case, "mean", "api00", svyby(~api00, ~stype + sch.wide, des, svymean),
          c("stype", "sch.wide"))
  by_stat(case, "mean", "api99na", svyby(~api99na, ~stype, des, svymean, na.rm = TRUE), "stype")
  b <- svyby(~mealcat, ~sch.wide, des, svymean)
  parts <- do.call(rbind, strsplit(names(coef(b)), ":"))  # "No:mealcata.low"
  add(case, "proportion:wald", "mealcat", coef(b), as.vector(as.matrix(SE(b))), confint(b),
      level = sub("^mealcat", "", parts[, 2]), domain = paste0("sch.wide=", parts[, 1]))
  for (m in c("logit", "mean", "beta", "xlogit", "asin")) {
    p <- svyciprop(~I(sch.wide == "Yes"), des, method = m)
    add(case, paste0("proportion:", m), "sch.wide", coef(p), SE(p),
        matrix(attr(p, "ci"), nrow = 1), level = "Yes")
    b <- svyby(~I(sch.wide == "Yes"), ~stype, des, svyciprop, method = m,
               vartype = c("se", "ci"))
    add(case, paste0("proportion:", m), "sch.wide", coef(b), SE(b), cbind(b$ci_l, b$ci_u),
        level = "Yes", domain = paste0("stype=", b$stype))
  }
  m <- svyglm(api00 ~ enroll + meals + stype, des)
  add(case, "glm:gaussian", names(coef(m)), coef(m), SE(m), confint(m))
  m <- svyglm(api00 ~ api99na + meals, des)
  add(case, "glm:gaussian", paste0("na~", names(coef(m))), coef(m), SE(m), confint(m))
  m <- svyglm(yes ~ meals + stype, des, family = quasibinomial())
  add(case, "glm:quasibinomial", names(coef(m)), coef(m), SE(m), confint(m))
  qcase <- paste0(case, "/quantile")
  qrows <- function(statistic, q) {
    for (v in names(q))
      add(qcase, statistic, v, q[[v]][, 1], q[[v]][, 4], q[[v]][, 2:3, drop = FALSE],
          level = rownames(q[[v]]))
  }
  qrows("quantile", svyquantile(~api00 + enroll, des, c(0.25, 0.5, 0.9), ci = TRUE,
                                na.rm = TRUE))
  qrows("quantile:quantile", suppressWarnings(
    svyquantile(~api00, des, c(0.25, 0.5, 0.9), ci = TRUE, interval.type = "quantile")))
  for (type in c("beta", "xlogit", "asin"))
    qrows(paste0("quantile:", type), svyquantile(~api00, des, 0.5, ci = TRUE,
                                                 interval.type = type))
  qrows("quantile:hf7", svyquantile(~api00, des, c(0.25, 0.5), ci = TRUE, qrule = "hf7"))
  qrows("quantile", svyquantile(~api99na, des, 0.5, ci = TRUE, na.rm = TRUE))
  for (type in c("mean", "quantile")) {
    b <- suppressWarnings(svyby(~api00, ~stype, des, svyquantile, quantiles = 0.5, ci = TRUE,
                                interval.type = type, vartype = c("se", "ci")))
    add(qcase, if (type == "mean") "quantile" else "quantile:quantile", "api00", coef(b), SE(b),
        cbind(b$ci_l, b$ci_u), level = 0.5, domain = paste0("stype=", b$stype))
  }
}

# --------------------------------------------- replicate designs made from Taylor designs
# as.svrepdesign(clus1, type = "JK1"): 15 replicates, scale (N - n)/N (n - 1)/n from the fpc
jk1 <- as.svrepdesign(clus1, type = "JK1")
rep_standard("jk1-clus1", jk1)
# as.svrepdesign(clus1, type = "JK1", mse = TRUE)
rep_standard("jk1-clus1/mse", as.svrepdesign(clus1, type = "JK1", mse = TRUE))
# as.svrepdesign(clus2w, type = "JK1"): no fpc, 40 replicates of the first stage
rep_standard("jk1-clus2w", as.svrepdesign(clus2w, type = "JK1"))
# as.svrepdesign(strat, type = "JKn"): 200 replicates, rscales (N_h - n_h)/N_h (n_h - 1)/n_h
rep_standard("jkn-strat", as.svrepdesign(strat, type = "JKn"))
# as.svrepdesign(pairs_des, type = "JKn") (and mse = TRUE)
jkn <- as.svrepdesign(pairs_des, type = "JKn")
rep_standard("jkn-pairs", jkn)
rep_standard("jkn-pairs/mse", as.svrepdesign(pairs_des, type = "JKn", mse = TRUE))
# as.svrepdesign(pairs_des, type = "BRR"): R's hadamard(15), 16 x 16 (Sylvester's)
brr <- as.svrepdesign(pairs_des, type = "BRR")
rep_standard("brr-pairs", brr)
rep_standard("brr-pairs/mse", as.svrepdesign(pairs_des, type = "BRR", mse = TRUE))
# as.svrepdesign(pairs_des, type = "Fay", fay.rho = 0.3)
fay <- as.svrepdesign(pairs_des, type = "Fay", fay.rho = 0.3)
rep_standard("fay-pairs", fay)
# set.seed(20261212); as.svrepdesign(clus1, type = "bootstrap", replicates = 50): R's own
# random resampling; its multipliers are written to data/replicate_boot_clus1.csv (columns
# b1..b50) and the test builds the design from them (combined.weights = FALSE, R's scale)
set.seed(20261212)
boot <- as.svrepdesign(clus1, type = "bootstrap", replicates = 50)
rep_standard("boot-clus1", boot)
boot_mse <- boot
boot_mse$mse <- TRUE
rep_standard("boot-clus1/mse", boot_mse)

# R's replicate weights, to check the construction (data/replicate_<name>.csv: the design's
# data and one column per replicate of weights(rdes, "replication"))
write.csv(cbind(apiclus1, replication(jk1, "r")), file.path(data_dir, "replicate_jk1_clus1.csv"),
          row.names = FALSE, na = "")
write.csv(cbind(pairs, replication(jkn, "jkn"), replication(brr, "brr"),
                replication(fay, "fay")),
          file.path(data_dir, "replicate_pairs.csv"), row.names = FALSE, na = "")
write.csv(cbind(apiclus1, replication(boot, "b")), file.path(data_dir, "replicate_boot_clus1.csv"),
          row.names = FALSE, na = "")
rep_info("jkn-strat/weights", as.svrepdesign(strat, type = "JKn"))

# -------------------------------------------------- published replicate weights (svrepdesign)
# Combined weights (the sampling weight times the replicate factor, as towns publish them):
# jk1w1..jk1w15 = weights(jk1, "analysis") etc., in data/replicate_published.csv (apiclus1
# rows) and data/replicate_published_pairs.csv (pairs rows).
published <- cbind(apiclus1, setNames(as.data.frame(weights(jk1, "analysis")),
                                      paste0("jk1w", 1:15)),
                   setNames(as.data.frame(weights(boot, "analysis")), paste0("bw", 1:50)))
write.csv(published, file.path(data_dir, "replicate_published.csv"), row.names = FALSE, na = "")
published_pairs <- cbind(pairs,
                         setNames(as.data.frame(weights(jkn, "analysis")), paste0("jknw", 1:30)),
                         setNames(as.data.frame(weights(fay, "analysis")), paste0("fayw", 1:16)),
                         setNames(as.data.frame(weights(brr, "analysis")), paste0("brrw", 1:16)))
write.csv(published_pairs, file.path(data_dir, "replicate_published_pairs.csv"),
          row.names = FALSE, na = "")
published <- read("replicate_published")
published_pairs <- read("replicate_published_pairs")
# svrepdesign(data = published, weights = ~pw, repweights = "jk1w[0-9]+", type = "JK1",
#             scale = jk1$scale, combined.weights = TRUE)
rep_standard("svrep-jk1", svrepdesign(data = published, weights = ~pw,
                                      repweights = "jk1w[0-9]+", type = "JK1",
                                      scale = jk1$scale, combined.weights = TRUE))
# the same with mse = TRUE
rep_standard("svrep-jk1/mse", svrepdesign(data = published, weights = ~pw,
                                          repweights = "jk1w[0-9]+", type = "JK1",
                                          scale = jk1$scale, mse = TRUE))
# without scale: R guesses (R - 1)/R from the number of replicates (with a warning)
rep_standard("svrep-jk1-guess", suppressWarnings(
  svrepdesign(data = published, weights = ~pw, repweights = "jk1w[0-9]+", type = "JK1")))
# svrepdesign(data = published, weights = ~pw, repweights = "bw[0-9]+", type = "bootstrap"):
# svrepdesign's default scale 1/(R - 1) (as.svrepdesign's differs)
rep_standard("svrep-boot", svrepdesign(data = published, weights = ~pw, repweights = "bw[0-9]+",
                                       type = "bootstrap"))
# svrepdesign(data = published_pairs, weights = ~pw, repweights = "jknw[0-9]+", type = "JKn",
#             rscales = jkn$rscales)
rep_standard("svrep-jkn", svrepdesign(data = published_pairs, weights = ~pw,
                                      repweights = "jknw[0-9]+", type = "JKn",
                                      rscales = jkn$rscales))
# svrepdesign(data = published_pairs, weights = ~pw, repweights = "fayw[0-9]+", type = "Fay",
#             rho = 0.3) and with mse = TRUE
rep_standard("svrep-fay", svrepdesign(data = published_pairs, weights = ~pw,
                                      repweights = "fayw[0-9]+", type = "Fay", rho = 0.3))
rep_standard("svrep-fay/mse", svrepdesign(data = published_pairs, weights = ~pw,
                                          repweights = "fayw[0-9]+", type = "Fay", rho = 0.3,
                                          mse = TRUE))
# svrepdesign(data = published_pairs, weights = ~pw, repweights = "brrw[0-9]+", type = "BRR")
rep_standard("svrep-brr", svrepdesign(data = published_pairs, weights = ~pw,
                                      repweights = "brrw[0-9]+", type = "BRR"))
# replicate factors rather than weights: combined.weights = FALSE (the JKn factors of pairs)
rep_standard("svrep-jkn-factors", svrepdesign(data = read("replicate_pairs"), weights = ~pw,
                                              repweights = "jkn[0-9]+", type = "JKn",
                                              rscales = jkn$rscales, combined.weights = FALSE))

# ------------------------------------ bounded linear calibration on collinear controls
# calibrate(clus1, ~stype + I(sch.wide == "No") + I(sch.wide == "Yes") + api99, pop.col,
#           calfun = "linear", bounds = c(0.6, 1.6)) (the bounds bind: g spans 0.40-2.07
# unbounded), and bounds = c(0.5, 2); R's grake() with MASS::ginv handles the collinearity.
# With bounds = c(0.7, 1.5) R stops ("Calibration failed"): the test expects an error.
f.col <- ~stype + I(sch.wide == "No") + I(sch.wide == "Yes") + api99
pop.col <- setNames(c(pop[["N"]], pop[["stype.H"]], pop[["stype.M"]], pop[["sch.wide.No"]],
                      pop[["sch.wide.Yes"]], pop[["api99"]]),
                    colnames(model.matrix(f.col, apiclus1)))
for (b in list(c(0.6, 1.6), c(0.5, 2))) {
  cal <- calibrate(clus1, f.col, pop.col, calfun = "linear", bounds = b)
  stopifnot(abs(range(weights(cal) / weights(clus1)) - b) < 1e-12)
  calibrated(sprintf("clus1/calibrate-collinear-bounded-%g-%g", b[1], b[2]), cal)
}
stopifnot(fails(suppressWarnings(calibrate(clus1, f.col, pop.col, calfun = "linear",
                                           bounds = c(0.7, 1.5)))))

# ------------------------------------ lonely PSUs with missing values: tables, quantiles
# replicate_lonely.csv: lonely_domains.csv (make_reference.R: stratum c has one PSU) with
#   gna: g, missing in stratum c (so the complete cases never touch it) and in row 2;
#   kna: k, missing in rows 3, 15 and 20 (strata a and d: stratum c stays);
#   yq: y, missing in stratum c and in row 4; yq2: y, missing in rows 1, 9 and 16.
lonely <- read("lonely_domains")
lonely$gna <- ifelse(lonely$st == "c" | seq_len(nrow(lonely)) == 2, NA, lonely$g)
lonely$kna <- ifelse(seq_len(nrow(lonely)) %in% c(3, 15, 20), NA, lonely$k)
lonely$yq <- ifelse(lonely$st == "c" | seq_len(nrow(lonely)) == 4, NA, lonely$y)
lonely$yq2 <- ifelse(seq_len(nrow(lonely)) %in% c(1, 9, 16), NA, lonely$y)
write.csv(lonely, file.path(data_dir, "replicate_lonely.csv"), row.names = FALSE, na = "")
lonely <- read("replicate_lonely")
pop.k <- data.frame(k = c("f", "m"), Freq = c(40, 35))
# svychisq(f, des, statistic = s) for s in F, Chisq, adjWald: estimate = statistic, se = p,
# ci_low = ndf (df for Chisq), ci_high = ddf; svymean(~interaction(a, b), des, na.rm = TRUE)
# ("share", level = a, domain "b=..."); svytable(~a + b, des) ("count", estimate only)
tables <- function(case, f, des) {
  vars <- all.vars(f)
  label <- paste(vars, collapse = "~")
  for (s in c("F", "Chisq", "adjWald")) {
    x <- svychisq(f, des, statistic = s)
    par <- if (s == "Chisq") c(x$parameter, NA) else x$parameter
    add(case, paste0("chisq:", s), label, x$statistic, x$p.value, matrix(par, nrow = 1))
  }
  v <- des$variables
  m <- svymean(as.formula(sprintf("~interaction(%s, %s)", vars[1], vars[2])), des, na.rm = TRUE)
  cells <- expand.grid(a = sort(unique(na.omit(v[[vars[1]]]))),
                       b = sort(unique(na.omit(v[[vars[2]]]))), stringsAsFactors = FALSE)
  add(case, "share", vars[1], coef(m), SE(m), confint(m), level = cells$a,
      domain = paste0(vars[2], "=", cells$b))
  t <- svytable(f, des)
  add(case, "count", vars[1], as.vector(t), NA, matrix(NA, length(t), 2),
      level = rep(rownames(t), ncol(t)), domain = paste0(vars[2], "=", rep(colnames(t),
                                                                          each = nrow(t))))
}
# svyquantile(~y, des, c(0.25, 0.5, 0.75), ci = TRUE, na.rm = TRUE, alpha = 0.5) ("quantile",
# one row per probability; 50% intervals, which stay inside the few values of these data)
# and svyby(~y, ~by, des, svyquantile, quantiles = 0.5, ci = TRUE, na.rm = TRUE, alpha = 0.5,
# na.rm.all = TRUE, vartype = c("se", "ci")) (without na.rm.all, svyby stops in qrule)
lonely_quantiles <- function(case, y, by, des) {
  q <- svyquantile(as.formula(paste("~", y)), des, c(0.25, 0.5, 0.75), ci = TRUE, na.rm = TRUE,
                   alpha = 0.5)
  add(case, "quantile", y, q[[y]][, 1], q[[y]][, 4], q[[y]][, 2:3, drop = FALSE],
      level = rownames(q[[y]]))
  b <- svyby(as.formula(paste("~", y)), as.formula(paste("~", by)), des, svyquantile,
             quantiles = 0.5, ci = TRUE, na.rm = TRUE, alpha = 0.5, na.rm.all = TRUE,
             vartype = c("se", "ci"))
  add(case, "quantile", y, coef(b), SE(b), cbind(b$ci_l, b$ci_u), level = 0.5,
      domain = paste0(by, "=", b[[by]]))
}
# case "lonely-na-<option>", des <- svydesign(id = ~psu, strata = ~st, weights = ~w,
# data = lonely) under options(survey.lonely.psu = option):
#   tables(~gna + k), lonely_quantiles(yq, by h)            (every option: c is never touched)
#   tables(~g + kna), lonely_quantiles(yq2, by g)          (all but "fail", where R stops)
# and "lonely-na-<option>/poststratify", ps <- postStratify(des, ~k, pop.k) (every stratum
# counts in a calibrated design, so R stops under "fail"): tables(~gna + h),
# lonely_quantiles(yq, by h)
for (o in c("average", "adjust", "remove", "certainty", "fail")) {
  options(survey.lonely.psu = o)
  case <- paste0("lonely-na-", o)
  des <- svydesign(id = ~psu, strata = ~st, weights = ~w, data = lonely)
  ps <- postStratify(des, ~k, pop.k)
  tables(case, ~gna + k, des)
  lonely_quantiles(case, "yq", "h", des)
  if (o != "fail") {
    tables(case, ~g + kna, des)
    lonely_quantiles(case, "yq2", "g", des)
    tables(paste0(case, "/poststratify"), ~gna + h, ps)
    lonely_quantiles(paste0(case, "/poststratify"), "yq", "h", ps)
  } else {
    stopifnot(fails(svychisq(~g + kna, des)), fails(svymean(~interaction(g, kna), des, na.rm = TRUE)),
      fails(svyquantile(~yq2, des, 0.5, ci = TRUE, na.rm = TRUE)),
      fails(svychisq(~gna + h, ps)), fails(svyquantile(~yq, ps, 0.5, ci = TRUE, na.rm = TRUE)))
  }
}
options(survey.lonely.psu = "fail")

out <- do.call(rbind, rows)
write.csv(out, file.path(out_dir, "replicate_reference.csv"), row.names = FALSE)
cat("wrote", nrow(out), "rows\n")
