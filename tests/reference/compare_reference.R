# Reference numbers for tests/test_compare.py (svyglm with town effects, town vs mean, DiD).
#
# Run from the repository root with R >= 4.2 and survey 4.1.1:
#     .venv/bin/python tests/reference/export_compare.py   # -> data/compare_*.csv
#     Rscript tests/reference/compare_reference.R
# Writes tests/reference/compare_reference.csv (full precision): case, term, estimate, se.
suppressMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
out_dir <- "tests/reference"

raked <- function(d) {
  d$stratum_age <- paste(d$stratum, d$age_band, sep = "|")
  d$stratum_sex <- paste(d$stratum, d$sex, sep = "|")
  des <- svydesign(ids = ~1, strata = ~stratum, weights = ~weight, data = d)
  pop_age <- aggregate(weight ~ stratum_age, d, sum); names(pop_age)[2] <- "Freq"
  pop_sex <- aggregate(weight ~ stratum_sex, d, sum); names(pop_sex)[2] <- "Freq"
  rake(des, list(~stratum_age, ~stratum_sex), list(pop_age, pop_sex),
       control = list(maxit = 100, epsilon = 1e-12, verbose = FALSE))
}
rows <- list()
add <- function(case, term, est, se) {
  rows[[length(rows) + 1]] <<- data.frame(case = case, term = term, estimate = sprintf("%.17g", est),
                                          se = sprintf("%.17g", se))
}

d1 <- read.csv(file.path(out_dir, "data", "compare_wave1.csv"), na.strings = "")
des1 <- raked(d1)
# 1. svyglm(life_in_town ~ town + age_band + sex + education): every coefficient
fit <- svyglm(life_in_town ~ town + age_band + sex + education, design = des1)
cf <- coef(fit); v <- vcov(fit)
for (k in names(cf)) add("svyglm_life", k, cf[[k]], sqrt(v[k, k]))
# 2. the same for a 0/1 indicator (linear probability model)
fit2 <- svyglm(ind_part_event ~ town + age_band + sex + education, design = des1)
cf2 <- coef(fit2); v2 <- vcov(fit2)
for (k in names(cf2)) add("svyglm_event", k, cf2[[k]], sqrt(v2[k, k]))
# 3. centred town effects: c_j = b_j - mean(b), b_ref = 0
towns <- sort(unique(d1$town)); k <- length(towns)
terms <- paste0("town", towns[-1])
for (j in seq_along(towns)) {
  w <- rep(-1 / k, k - 1)
  if (j > 1) w[j - 1] <- w[j - 1] + 1
  cc <- svycontrast(fit, setNames(w, terms))
  add("centred_life", towns[j], coef(cc)[[1]], SE(cc)[[1]])
}
# 4. each town against the population-weighted mean of the town means. Towns are strata,
#    so their means are independent: covariance = diag(SE^2) (svyby's covmat = TRUE fails
#    on this calibrated design with missing values, survey 4.1.1)
by <- svyby(~life_in_town, ~town, des1, svymean, na.rm = TRUE)
pop <- tapply(d1$weight, d1$town, sum)[as.character(by$town)]
a <- pop / sum(pop)
V <- diag(SE(by)^2)
for (j in seq_along(a)) {
  w <- -a; w[j] <- w[j] + 1
  add("versus_mean_life", as.character(by$town[j]), sum(w * coef(by)), sqrt(drop(t(w) %*% V %*% w)))
}

d2 <- read.csv(file.path(out_dir, "data", "compare_waves.csv"), na.strings = "")
des2 <- raked(d2)
# 5. difference-in-differences: svyglm(y ~ town + post + did)
for (y in c("life_in_town", "ind_part_event")) {
  fit3 <- svyglm(as.formula(paste(y, "~ town + post + did")), design = des2)
  add(paste0("did_", y), "did", coef(fit3)[["did"]], SE(fit3)[["did"]])
  add(paste0("did_", y), "post", coef(fit3)[["post"]], SE(fit3)[["post"]])
}
write.csv(do.call(rbind, rows), file.path(out_dir, "compare_reference.csv"), row.names = FALSE)
