# Reference numbers for tests/test_evidence_groups.py: the test of a published pair of
# groups (diagnosis.evidence.groups.group_differences).
#
# Run from the repository root with R >= 4.2 and survey 4.1.1:
#     .venv/bin/python tests/reference/export_demo.py   # demo towns -> data/demo_*.csv
#     Rscript tests/reference/groups_reference.R
# It reads the demo towns as make_reference.R does (data/demo_<town>.csv and
# data/demo_<town>_margins.csv) and writes tests/reference/groups_reference.csv, full
# precision ("%.17g"), one row per case x variable x grouping x pair of groups
# (domain < versus, as R sorts them): case, variable, grouping, domain, versus,
# estimate_domain, estimate_versus, difference, se, t, df, p_value, effect,
# rs_F, rs_ndf, rs_ddf, rs_p (the Rao-Scott columns for 0/1 variables only).
#
# Designs, case "<town>/<weighting>": des <- svydesign(id = ~1, data = d), then
#   "rake": rake(des, list(~age_band, ~sex), list(by age, by sex), control = tight)
#           (the report's default weighting; tight as in make_reference.R)
#   "none": des itself (diagnosis report --weighting none)
# For each pair (a, b) of a grouping g, pair <- g where g is a or b, NA elsewhere:
#   difference, se:  svycontrast(<domain means of v by pair>, c(a = 1, b = -1)) with the
#                    domain means and their covariance from
#                    svyby(~v, ~pair, des, svymean, covmat = TRUE, na.rm = TRUE) ("none") or,
#                    as svyby(covmat = TRUE) stops on raked designs in survey 4.1.1,
#                    svyglm(v ~ 0 + pair, des), whose coefficients and sandwich covariance
#                    are the same domain means and covariance ("rake"); the two are checked
#                    against each other on "none"
#   t, df, p_value:  svyttest(v ~ I(pair == a), subset(des, !is.na(pair)))
#                    (its estimate must equal the contrast: checked)
#   effect:          Cohen's d (means) or h (0/1 variables) by hand, as make_reference.R
#   rs_*:            svychisq(~v + pair, des, statistic = "F")  (Rao-Scott second order)
suppressMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
options(survey.lonely.psu = "fail")
out_dir <- "tests/reference"
tight <- list(maxit = 1000, epsilon = 1e-13)  # as make_reference.R
towns <- c("kwidzyn", "cieszyn")
means <- c("trust", "life_in_town", "cohesion")
shares <- c("part_volunteer", "internet_use", "needs__youth", "needs__culture")
groupings <- c("age_band", "sex", "district")
num <- function(x) { x <- as.numeric(x); ifelse(is.na(x), "NA", sprintf("%.17g", x)) }
rows <- list()

pair_rows <- function(case, des, v, g, share) {
  d <- des$variables
  lv <- sort(unique(na.omit(d[[g]])))
  for (k in seq_len(ncol(combn(length(lv), 2)))) {
    ab <- lv[combn(length(lv), 2)[, k]]
    a <- ab[1]; b <- ab[2]
    pd <- update(des, pair = ifelse(d[[g]] %in% ab, d[[g]], NA))
    f <- as.formula(paste("~", v))
    if (case_weighting(case) == "none") {
      m <- svyby(f, ~pair, subset(pd, !is.na(d[[v]])), svymean, covmat = TRUE)
      con <- svycontrast(m, setNames(c(1, -1), c(a, b)))
      fit <- svyglm(as.formula(paste(v, "~ 0 + pair")), pd)
      con2 <- svycontrast(fit, setNames(c(1, -1), paste0("pair", c(a, b))))
      stopifnot(abs(coef(con) - coef(con2)) < 1e-12, abs(SE(con) - SE(con2)) < 1e-12)
      est <- coef(m)[c(a, b)]
    } else {
      fit <- svyglm(as.formula(paste(v, "~ 0 + pair")), pd)
      con <- svycontrast(fit, setNames(c(1, -1), paste0("pair", c(a, b))))
      est <- coef(fit)[paste0("pair", c(a, b))]
    }
    tt <- svyttest(as.formula(paste0(v, " ~ I(pair == '", a, "')")), subset(pd, !is.na(pair)))
    stopifnot(abs(tt$estimate - coef(con)) < 1e-12)
    # Cohen's d or h by hand from the weights, respondents with an answer in each group
    w <- weights(pd)
    grp <- function(level) {
      s <- !is.na(d[[v]]) & !is.na(d[[g]]) & d[[g]] == level & w != 0
      N <- sum(w[s]); mu <- sum(w[s] * d[[v]][s]) / N; n <- sum(s)
      list(N = N, m = mu, var = n / (n - 1) * sum(w[s] * (d[[v]][s] - mu)^2) / N)
    }
    ga <- grp(a); gb <- grp(b)
    effect <- if (share) 2 * asin(sqrt(ga$m)) - 2 * asin(sqrt(gb$m)) else
      (ga$m - gb$m) / sqrt((ga$N * ga$var + gb$N * gb$var) / (ga$N + gb$N))
    rs <- list(statistic = NA, parameter = c(NA, NA), p.value = NA)
    if (share) rs <- svychisq(as.formula(paste("~", v, "+ pair")), pd, statistic = "F")
    rows[[length(rows) + 1]] <<- data.frame(
      case = case, variable = v, grouping = g, domain = a, versus = b,
      estimate_domain = num(est[1]), estimate_versus = num(est[2]),
      difference = num(coef(con)), se = num(SE(con)), t = num(tt$statistic),
      df = num(tt$parameter), p_value = num(tt$p.value), effect = num(effect),
      rs_F = num(rs$statistic), rs_ndf = num(rs$parameter[1]), rs_ddf = num(rs$parameter[2]),
      rs_p = num(rs$p.value))
  }
}
case_weighting <- function(case) sub(".*/", "", case)

for (town in towns) {
  d <- read.csv(file.path(out_dir, "data", paste0("demo_", town, ".csv")),
                stringsAsFactors = FALSE, na.strings = "")
  mg <- read.csv(file.path(out_dir, "data", paste0("demo_", town, "_margins.csv")),
                 stringsAsFactors = FALSE)
  des <- svydesign(id = ~1, data = d)
  by_age <- aggregate(list(Freq = mg$population), list(age_band = mg$age_band), sum)
  by_sex <- aggregate(list(Freq = mg$population), list(sex = mg$sex), sum)
  rk <- rake(des, list(~age_band, ~sex), list(by_age, by_sex), control = tight)
  for (weighting in c("rake", "none")) {
    case <- paste0(town, "/", weighting)
    design <- if (weighting == "rake") rk else des
    for (g in groupings) {
      for (v in means) pair_rows(case, design, v, g, FALSE)
      for (v in shares) pair_rows(case, design, v, g, TRUE)
    }
  }
}
ref <- do.call(rbind, rows)
write.csv(ref, file.path(out_dir, "groups_reference.csv"), row.names = FALSE)
cat("wrote", nrow(ref), "reference rows\n")
